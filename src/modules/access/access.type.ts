import { JSONObject } from '../../graphql/json.scalar.js';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

import { PageInfo } from '../../graphql/page-info.type.js';
import { Scope, AuditAction } from './access.kinds.js';

export const ALL_SCOPES: readonly Scope[] = Object.values(Scope);

registerEnumType(Scope, {
  name: 'ApiKeyScope',
  description:
    'What an API key may do; the CLI (`c360 keys create --scopes`), error messages (`extensions.requiredScope`) and the README use these same names. Scopes are independent; give a key each one it needs.',
  valuesConfig: {
    READ: { description: 'Queries and subscriptions, with personal fields masked.' },
    READ_PII: {
      description:
        'Personal fields unmasked (names, e-mail, phone, address-like traits); every such read is audited.',
    },
    WRITE: { description: 'Mutations that change customers, events, consent and relationships.' },
    ADMIN: { description: 'Key management, the audit log, eraseCustomer and exportCustomer.' },
  },
});

@ObjectType({
  description: 'An API key as c360 stores it: never the secret, only a prefix to recognise it.',
})
export class ApiKey {
  @Field(() => ID, { description: 'Stable id, used to revoke the key.' })
  id!: string;

  @Field(() => String, { description: 'What the key is for, as its creator named it.' })
  name!: string;

  @Field(() => String, {
    description: 'The start of the secret (`c360_<prefix>`), safe to show, to tell keys apart.',
  })
  prefix!: string;

  @Field(() => [Scope], { description: 'What the key may do.' })
  scopes!: Scope[];

  @Field(() => Date, { description: 'When the key was created.' })
  createdAt!: Date;

  @Field(() => Date, {
    nullable: true,
    description:
      'When the key was last used, to within the key cache lifetime (API_KEY_CACHE_TTL_MS); null if never.',
  })
  lastUsedAt!: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: 'When the key was revoked; a revoked key is refused at once.',
  })
  revokedAt!: Date | null;
}

@ObjectType({ description: 'A new API key and its secret, which is shown only this once.' })
export class CreatedApiKey {
  @Field(() => String, {
    description:
      'The secret to send as `Authorization: Bearer <key>`. c360 keeps only its SHA-256 hash: store it now.',
  })
  key!: string;

  @Field(() => ApiKey, { description: 'The stored key.' })
  apiKey!: ApiKey;
}

registerEnumType(AuditAction, {
  name: 'AuditAction',
  description: 'What an audit entry records.',
  valuesConfig: {
    PII_READ: {
      description:
        'A GraphQL operation read unmasked personal fields; subjectIds lists every customer it read.',
    },
    CUSTOMER_ERASED: { description: 'A customer was erased (eraseCustomer).' },
    CUSTOMER_EXPORTED: { description: 'A customer’s data was exported (exportCustomer).' },
    KEY_CREATED: { description: 'An API key was created; subjectIds holds its id.' },
    KEY_REVOKED: { description: 'An API key was revoked; subjectIds holds its id.' },
  },
});

@ObjectType({ description: 'One entry of the append-only audit log.' })
export class AuditEntry {
  @Field(() => ID, { description: 'Position in the log; later entries have larger ids.' })
  id!: string;

  @Field(() => Date, { description: 'When it happened.' })
  at!: Date;

  @Field(() => ID, {
    nullable: true,
    description: 'The API key that acted; null for an operator at the command line.',
  })
  keyId!: string | null;

  @Field(() => AuditAction, { description: 'What happened.' })
  action!: AuditAction;

  @Field(() => [ID], { description: 'The customers (or, for key actions, the keys) concerned.' })
  subjectIds!: string[];

  @Field(() => String, {
    nullable: true,
    description: 'The request id (the `x-request-id` header, or one c360 made up).',
  })
  requestId!: string | null;

  @Field(() => JSONObject, {
    description:
      'Particulars: for pii.read the operation name and the fields read, for key actions the key’s name and scopes. Never a personal value.',
  })
  details!: Record<string, unknown>;
}

@ObjectType({ description: 'An audit entry and its cursor.' })
export class AuditEntryEdge {
  @Field(() => String, { description: 'Pass as `after` to continue after this entry.' })
  cursor!: string;

  @Field(() => AuditEntry, { description: 'The entry.' })
  node!: AuditEntry;
}

@ObjectType({ description: 'A page of the audit log, newest first.' })
export class AuditEntryConnection {
  @Field(() => [AuditEntryEdge], { description: 'The entries of this page.' })
  edges!: AuditEntryEdge[];

  @Field(() => PageInfo, { description: 'Whether more entries follow.' })
  pageInfo!: PageInfo;
}
