import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { FamilyRelation, Relationship } from './relationship.kinds.js';
import { CustomerData } from '../access/access.policy.js';

registerEnumType(Relationship, {
  name: 'Relationship',
  description:
    'A customer–customer relationship. PARENT_OF (from is the parent of to) and REFERRED (from referred to) are directed; SPOUSE_OF, SIBLING_OF and HOUSEHOLD_MEMBER read the same both ways.',
});

@ObjectType({
  description:
    'A relationship change PostgreSQL has accepted. The graph applies it through the outbox, normally within milliseconds, and in any case once Neo4j is reachable.',
})
export class RelationshipChange {
  @Field(() => Relationship, { description: 'The relationship type.' })
  type!: Relationship;

  @Field(() => ID, { description: 'The customer the relationship starts from.' })
  fromId!: string;

  @Field(() => ID, { description: 'The customer it points to.' })
  toId!: string;
}

/** Which way a hop was walked. */
export enum HopDirection {
  OUTGOING = 'OUTGOING',
  INCOMING = 'INCOMING',
}

registerEnumType(HopDirection, {
  name: 'HopDirection',
  description:
    'OUTGOING: the relationship points away from the node the hop starts at (for PARENT_OF: that node is the parent). INCOMING: it points towards it.',
});

@CustomerData()
@ObjectType({ description: 'One relationship on the way from a customer to a related one.' })
export class RelationshipHop {
  @Field(() => Relationship, { description: 'The relationship type.' })
  type!: Relationship;

  @Field(() => HopDirection, { description: 'Which way the relationship was walked.' })
  direction!: HopDirection;
}

@CustomerData()
@ObjectType({ description: 'A customer reached through the relationship graph.' })
export class RelatedCustomer {
  @Field(() => Int, { description: 'How many relationships away (1 = directly related).' })
  distance!: number;

  @Field(() => [RelationshipHop], {
    description: 'The relationships of a shortest path, from the customer asked about outwards.',
  })
  path!: RelationshipHop[];

  customerId!: string;
}

@CustomerData()
@ObjectType({
  description:
    'The people a customer lives with: everyone linked to them by HOUSEHOLD_MEMBER or SPOUSE_OF relationships, up to three hops away.',
})
export class Household {
  @Field(() => Int, { description: 'How many people, the customer included.' })
  size!: number;

  @Field(() => [RelatedCustomer], {
    description: 'The other members, nearest first (the customer is not listed).',
  })
  members!: RelatedCustomer[];
}

registerEnumType(FamilyRelation, {
  name: 'FamilyRelation',
  description:
    'How a relative stands to the customer: the relative is their SPOUSE, PARENT, CHILD or SIBLING.',
});

@CustomerData()
@ObjectType({ description: 'A family member found in the relationship graph (Neo4j).' })
export class Relative {
  @Field(() => FamilyRelation, { description: 'What the relative is to the customer.' })
  relation!: FamilyRelation;

  /** Resolved through the customer loader; not a GraphQL field itself. */
  customerId!: string;
}
