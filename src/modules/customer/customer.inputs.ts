import {
  ArrayMaxSize,
  IsEmail,
  IsOptional,
  IsUUID,
  Length,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { JSONObject } from '../../graphql/json.scalar.js';
import { Field, ID, InputType, registerEnumType } from 'type-graphql';

import { KeywordList, MAX_KEYWORD_LENGTH, MAX_KEYWORDS } from '../../lib/keywords.js';
import { IdentityInput } from '../identity/identity.type.js';
import { IdentityType } from '../identity/identity.kinds.js';
import { TraitsMode } from './customer.kinds.js';

registerEnumType(TraitsMode, {
  name: 'TraitsMode',
  description: 'How an upsert treats the traits already stored.',
  valuesConfig: {
    MERGE: {
      description:
        'Shallow merge (the default): each given top-level key overwrites the stored one (a nested object is replaced whole), a key given as null is removed, keys not given are kept.',
    },
    REPLACE: {
      description: 'The given traits become the whole set; omitted traits mean none.',
    },
  },
});

/** More identifiers than this on one profile is a client bug, not a person. */
export const MAX_IDENTITIES_PER_UPSERT = 20;

@InputType({
  description:
    'A customer profile to create or update. The customer is found by `id`, else by any of `identities`; if those identities belong to other customers, they are merged into this one (cause identity_conflict).',
})
export class UpsertCustomerInput {
  @Field(() => ID, {
    nullable: true,
    description:
      'The customer to update (an id merged away resolves to its survivor). Omit to find the customer by `identities`, or to create one.',
  })
  @IsOptional()
  @IsUUID()
  id!: string | null;

  @Field(() => String, { description: 'Name to show; 1 to 200 characters.' })
  @Length(1, 200)
  displayName!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Primary e-mail address (contact detail; add an EMAIL identity to match on it).',
  })
  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  email!: string | null;

  @Field(() => JSONObject, {
    nullable: true,
    description:
      'Traits to store, merged into the stored ones by default (see `traitsMode`; under MERGE a null value removes its key); `interests` (a list of strings) also feeds similarity search.',
  })
  traits!: Record<string, unknown> | null;

  @Field(() => TraitsMode, {
    nullable: true,
    defaultValue: TraitsMode.MERGE,
    description:
      'MERGE (default): `traits` patches the stored traits, so renaming a customer keeps their city or plan. REPLACE: `traits` becomes the whole set.',
  })
  traitsMode!: TraitsMode | null;

  @Field(() => [String], {
    nullable: true,
    description: `Interests the customer declared (a preference centre, a CRM), as keywords: up to ${MAX_KEYWORDS}, each up to ${MAX_KEYWORD_LENGTH} characters, stored trimmed, lower-cased and each once. They are the PROFILE source of \`Customer.keywords\`. Replace the old ones; omitted means none.`,
  })
  @KeywordList()
  interestKeywords!: string[] | null;

  @Field(() => [IdentityInput], {
    nullable: true,
    description: `Identifiers this customer is known by (at most ${MAX_IDENTITIES_PER_UPSERT}); values are normalised. Identities are only ever added here, never removed.`,
  })
  @IsOptional()
  @ArrayMaxSize(MAX_IDENTITIES_PER_UPSERT)
  @ValidateNested({ each: true })
  identities!: IdentityInput[] | null;
}

@InputType({
  description:
    'Which customers to list; every condition given must hold. Segment filters arrive with segments.',
})
export class CustomerFilter {
  @Field(() => JSONObject, {
    nullable: true,
    description:
      'Traits the customer must have, by JSON containment: `{"plan": "gold"}` matches every gold customer, `{"interests": ["jazz"]}` everyone interested in jazz. Personal traits (names, addresses, ...) need the READ_PII scope.',
  })
  traits!: Record<string, unknown> | null;

  @Field(() => IdentityInput, {
    nullable: true,
    description:
      'Only the customer holding this identifier (normalised like any identity); an EMAIL or PHONE needs the READ_PII scope.',
  })
  @IsOptional()
  @ValidateNested()
  identity!: IdentityInput | null;

  @Field(() => IdentityType, {
    nullable: true,
    description: 'Only customers with at least one identifier of this kind (e.g. known by EMAIL).',
  })
  hasIdentityType!: IdentityType | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Display name contains this text (case-insensitive), 1 to 200 characters; needs the READ_PII scope.',
  })
  @IsOptional()
  @Length(1, 200)
  nameContains!: string | null;

  @Field(() => Date, { nullable: true, description: 'Created at or after this time.' })
  createdFrom!: Date | null;

  @Field(() => Date, { nullable: true, description: 'Created before this time.' })
  createdTo!: Date | null;

  @Field(() => Date, { nullable: true, description: 'Changed at or after this time.' })
  updatedFrom!: Date | null;

  @Field(() => Date, { nullable: true, description: 'Changed before this time.' })
  updatedTo!: Date | null;
}
