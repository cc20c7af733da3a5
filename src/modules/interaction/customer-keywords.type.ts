import { Field, Float, ObjectType, registerEnumType } from 'type-graphql';

import { CustomerData, PersonalData } from '../access/access.policy.js';

/** Where a customer keyword comes from. */
export const KeywordSource = {
  PROFILE: 'PROFILE',
  VIEWED: 'VIEWED',
  PURCHASED: 'PURCHASED',
} as const;
export type KeywordSource = (typeof KeywordSource)[keyof typeof KeywordSource];

registerEnumType(KeywordSource, {
  name: 'KeywordSource',
  description:
    'PROFILE: an interest the profile declares (`interestKeywords`). VIEWED: a keyword of products and content the customer viewed. PURCHASED: a keyword of products they bought.',
});

@CustomerData()
@ObjectType({ description: 'A keyword that describes what a customer is interested in.' })
export class CustomerKeyword {
  @PersonalData('opaque')
  @Field(() => String, {
    description:
      'The keyword, normalised (trimmed, lower-case). Without READ_PII, masked when it looks personal (a profile may declare anything).',
  })
  keyword!: string;

  @Field(() => KeywordSource, { description: 'Where it comes from.' })
  source!: KeywordSource;

  @Field(() => Float, {
    description:
      'How strongly it describes the customer: for PROFILE a fixed weight (PROFILE_KEYWORD_WEIGHT, 5); otherwise the sum, over the events naming an item with this keyword, of the event type’s weight (view 1, purchase 5) times exp(−age in days / 30).',
  })
  weight!: number;

  customerId!: string;
}
