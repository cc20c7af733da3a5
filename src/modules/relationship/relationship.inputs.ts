import { Field, ID, InputType } from 'type-graphql';

import { Relationship } from './relationship.kinds.js';

@InputType({ description: 'One relationship to record between two existing customers.' })
export class LinkRelationshipInput {
  @Field(() => ID, {
    description: 'The customer the relationship starts from; a merged id means its survivor.',
  })
  fromId!: string;

  @Field(() => ID, { description: 'The customer it points to; a merged id means its survivor.' })
  toId!: string;

  @Field(() => Relationship, { description: 'The relationship type.' })
  type!: Relationship;
}
