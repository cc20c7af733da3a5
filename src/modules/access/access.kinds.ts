/**
 * What an API key may do. Scopes are independent: `READ_PII` unmasks personal fields but does
 * not grant `READ`; give a key every scope it needs.
 *
 * Users see one vocabulary, the names on the left (GraphQL's `ApiKeyScope` values, the CLI's
 * `--scopes`, error messages, the README); the values on the right are only how a key's scopes
 * are stored.
 */
export const Scope = {
  READ: 'read',
  READ_PII: 'read:pii',
  WRITE: 'write',
  ADMIN: 'admin',
} as const;
export type Scope = (typeof Scope)[keyof typeof Scope];
export type ScopeName = keyof typeof Scope;

export const SCOPE_NAMES = Object.keys(Scope) as ScopeName[];

const NAME_OF = new Map<Scope, ScopeName>(SCOPE_NAMES.map((name) => [Scope[name], name]));

/** The name users see for a scope: `READ_PII`, as GraphQL spells it. */
export function scopeName(scope: Scope): ScopeName {
  return NAME_OF.get(scope)!;
}

/**
 * The scope a user typed, or null: a name in any case (`READ_PII`, `read_pii`), and the stored
 * spelling (`read:pii`) that earlier versions of the CLI and README used.
 */
export function scopeFromName(typed: string): Scope | null {
  const name = typed.trim().toUpperCase().replace(/[:-]/g, '_');
  return (SCOPE_NAMES as string[]).includes(name) ? Scope[name as ScopeName] : null;
}

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
