import { IsOptional, Length, Matches } from 'class-validator';
import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';

import { Scope } from '../access/access.kinds.js';
import { CustomerData, PersonalData, RequireScope } from '../access/access.policy.js';
import { CUSTOM_IDENTITY_TYPE_PATTERN, IdentityType } from './identity.kinds.js';

registerEnumType(IdentityType, {
  name: 'IdentityType',
  description:
    'A kind of identifier: e-mail (stored lower-cased), phone (stored as E.164), an opaque id, or CUSTOM: one of the kinds this deployment configured (IDENTITY_CUSTOM_TYPES), named by `customType`.',
});

@CustomerData()
@ObjectType({
  description: 'An identifier this customer is known by; each belongs to one customer only.',
})
export class Identity {
  @Field(() => IdentityType, { description: 'What kind of identifier this is.' })
  type!: IdentityType;

  @Field(() => String, {
    nullable: true,
    description: 'For type CUSTOM, which of the configured kinds; otherwise null.',
  })
  customType!: string | null;

  @PersonalData('identity')
  @Field(() => String, {
    description:
      'The normalised value (lower-cased e-mail, E.164 phone). Without the READ_PII scope e-mails read `a•••@e•••.com` and phones `•••`; opaque ids stay readable unless they look personal (an e-mail address used as a user id reads `a•••@e•••.com`).',
  })
  value!: string;

  @Field(() => Date, { description: 'When c360 first saw this identifier.' })
  createdAt!: Date;
}

@InputType({ description: 'An identifier as a client knows it; c360 normalises it before use.' })
export class IdentityInput {
  @Field(() => IdentityType, { description: 'What kind of identifier this is.' })
  type!: IdentityType;

  @Field(() => String, { description: 'The identifier, 1 to 256 characters.' })
  @Length(1, 256)
  value!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'With type CUSTOM only: which configured kind (IDENTITY_CUSTOM_TYPES), e.g. loyalty_card.',
  })
  @IsOptional()
  @Matches(CUSTOM_IDENTITY_TYPE_PATTERN)
  customType!: string | null;
}

@ObjectType({ description: 'Which customer an identify or merge left standing.' })
export class CustomerResolution {
  @Field(() => ID, { description: 'The surviving customer, holding every identity involved.' })
  customerId!: string;

  // Whether an identity was known already is customer data: a write-only key must not learn it.
  @RequireScope(Scope.READ)
  @Field(() => [ID], {
    description:
      'Customers merged into it by this call (their ids keep resolving to it). Needs the read scope.',
  })
  mergedCustomerIds!: string[];

  @RequireScope(Scope.READ)
  @Field(() => Boolean, {
    description: 'Whether this call created the customer. Needs the read scope.',
  })
  created!: boolean;
}
