import { Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'What an erasure removed. The graph node follows through the outbox.' })
export class Erasure {
  @Field(() => ID, {
    description: 'The erased customer (the survivor, when a merged id was given).',
  })
  customerId!: string;

  @Field(() => Int, {
    description:
      'Identities now suppressed, with the contact e-mail when it is not one of them: later events for them are dropped and counted, and no write may use them again.',
  })
  suppressedIdentities!: number;

  @Field(() => Int, { description: 'Events deleted.' })
  erasedEvents!: number;
}
