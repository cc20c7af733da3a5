import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

/** GraphQL mirror of the graph's customer–customer relationship types. */
export enum Relationship {
  SPOUSE_OF = 'SPOUSE_OF',
  PARENT_OF = 'PARENT_OF',
  SIBLING_OF = 'SIBLING_OF',
  HOUSEHOLD_MEMBER = 'HOUSEHOLD_MEMBER',
  REFERRED = 'REFERRED',
}

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
