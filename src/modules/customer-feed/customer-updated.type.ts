import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

import { CustomerChangeKind } from './customer-change.kinds.js';

registerEnumType(CustomerChangeKind, {
  name: 'CustomerChangeKind',
  description:
    'PROFILE: profile, traits or identities. EVENTS: events were stored. CONSENT, RELATIONSHIP, CAMPAIGN (targeted). MERGED: another customer was merged into this one. MERGED_AWAY: this one was merged into `intoCustomerId`. ERASED: the customer was erased.',
});

@ObjectType({
  description:
    'A change to a customer, from the durable change feed: every kind of write, not only profile upserts.',
})
export class CustomerUpdated {
  @Field(() => ID, { description: 'The customer that changed.' })
  customerId!: string;

  @Field(() => Date, { description: 'When the change reached the feed.' })
  updatedAt!: Date;

  @Field(() => CustomerChangeKind)
  change!: CustomerChangeKind;

  @Field(() => ID, { nullable: true, description: 'For MERGED_AWAY: the surviving customer.' })
  intoCustomerId!: string | null;

  @Field(() => String, {
    description:
      'Its place in the change feed: resume a subscription with `afterCursor` set to it.',
  })
  cursor!: string;
}
