import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { ConsentPurpose } from './consent.kinds.js';
import { CustomerData, PersonalData } from '../access/access.policy.js';

registerEnumType(ConsentPurpose, {
  name: 'ConsentPurpose',
  description:
    'ANALYTICS: behavioural analytics. PERSONALIZATION: recommendations and tailored content. MARKETING: campaigns. AI: use of the profile in prompts to a language model.',
});

@CustomerData()
@ObjectType({ description: 'A customer’s current consent for one purpose.' })
export class Consent {
  @Field(() => ConsentPurpose, { description: 'The purpose.' })
  purpose!: ConsentPurpose;

  @Field(() => Boolean, {
    nullable: true,
    description: 'true granted, false refused, null never asked (treated as refused).',
  })
  granted!: boolean | null;

  @PersonalData('text')
  @Field(() => String, {
    nullable: true,
    description:
      'Where the answer came from (e.g. "checkout form"). Free text, so `•••` without READ_PII.',
  })
  source!: string | null;

  @Field(() => Date, { nullable: true, description: 'When the answer was recorded.' })
  updatedAt!: Date | null;
}
