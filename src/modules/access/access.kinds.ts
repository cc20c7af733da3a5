/**
 * What an API key may do. Scopes are independent: `read:pii` unmasks personal fields but does
 * not grant `read`; give a key every scope it needs.
 */
export const Scope = {
  READ: 'read',
  READ_PII: 'read:pii',
  WRITE: 'write',
  ADMIN: 'admin',
} as const;
export type Scope = (typeof Scope)[keyof typeof Scope];

/** What an audit entry records. Stored as the lower-case dotted value. */
export const AuditAction = {
  PII_READ: 'pii.read',
  CUSTOMER_ERASED: 'customer.erased',
  CUSTOMER_EXPORTED: 'customer.exported',
  KEY_CREATED: 'key.created',
  KEY_REVOKED: 'key.revoked',
} as const;
export type AuditAction = (typeof AuditAction)[keyof typeof AuditAction];

/** Keys that name nothing personal in a typical deployment (NON_PERSONAL_KEYS' default). */
export const DEFAULT_NON_PERSONAL_KEYS: readonly string[] = [
  'plan',
  'tier',
  'interests',
  'householdId',
  'segment',
  'locale',
  'language',
  'currency',
  'productId',
  'sku',
  'campaignId',
  'category',
  'categories',
  'price',
  'quantity',
  'revenue',
  'orderId',
];
