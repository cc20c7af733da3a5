/*
 * The identity vocabulary as plain values: config, the importer and stores use these without
 * loading GraphQL; identity.type.ts registers IdentityType with the schema.
 */

/** The kinds of identifier c360 resolves to a customer. */
export const IdentityType = {
  EMAIL: 'email',
  PHONE: 'phone',
  USER_ID: 'user_id',
  ANONYMOUS_ID: 'anonymous_id',
  DEVICE_ID: 'device_id',
  CRM_ID: 'crm_id',
  CUSTOM: 'custom',
} as const;
export type IdentityType = (typeof IdentityType)[keyof typeof IdentityType];

/** Names a deployment may give its own identifier kinds (IDENTITY_CUSTOM_TYPES). */
export const CUSTOM_IDENTITY_TYPE_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;

/** The stored names of the built-in kinds; a custom kind may not take one of them. */
export const BUILT_IN_IDENTITY_TYPES: ReadonlySet<string> = new Set(Object.values(IdentityType));
