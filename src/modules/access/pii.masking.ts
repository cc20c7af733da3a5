/**
 * What counts as personal data in c360, and how it looks to a key without `read:pii`. This is
 * the one place to change either; the schema descriptions quote the formats below.
 *
 * - Names, phone numbers, addresses and other personal text become `•••` (nothing of the
 *   value, not even its length).
 * - E-mail addresses keep their first letter, the domain's first letter and the top-level
 *   domain: `ada@example.com` becomes `a•••@e•••.com`, enough to tell addresses apart.
 * - In `traits`, the value of every personal key (below; matched ignoring case, `_` and `-`,
 *   at any depth) is masked as a whole, objects and lists included.
 * - Identity values are masked for EMAIL and PHONE identities; opaque ids (user, anonymous,
 *   device, CRM) stay readable, since other systems join on them and they name nobody alone.
 */

export const MASK = '•••';

/** Trait keys whose values are personal, normalised (lower case, no `_` or `-`). */
export const PERSONAL_TRAIT_KEYS: ReadonlySet<string> = new Set([
  'name',
  'fullname',
  'firstname',
  'lastname',
  'middlename',
  'maidenname',
  'nickname',
  'displayname',
  'email',
  'emailaddress',
  'phone',
  'phonenumber',
  'mobile',
  'address',
  'street',
  'streetaddress',
  'addressline1',
  'addressline2',
  'city',
  'postalcode',
  'postcode',
  'zip',
  'zipcode',
  'birthdate',
  'birthday',
  'dateofbirth',
  'dob',
  'ssn',
  'nationalid',
  'passport',
  'iban',
]);

const EMAIL_KEYS: ReadonlySet<string> = new Set(['email', 'emailaddress']);

/** Identity types (GraphQL values) whose values are personal. */
export const PERSONAL_IDENTITY_TYPES: ReadonlySet<string> = new Set(['email', 'phone']);

/** How a personal field is masked. */
export type PersonalKind = 'text' | 'email' | 'traits' | 'identity';

const normaliseKey = (key: string) => key.toLowerCase().replace(/[_-]/g, '');

export function maskText(value: unknown): string | null {
  return value === null || value === undefined ? null : MASK;
}

/** `ada@example.com` → `a•••@e•••.com`; anything that is not an address → `•••`. */
export function maskEmail(value: string): string {
  const at = value.lastIndexOf('@');
  const domain = value.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  if (at < 1 || dot < 1) {
    return MASK;
  }
  return `${value[0]}${MASK}@${domain[0]}${MASK}${domain.slice(dot)}`;
}

/** A copy of `traits` with the value of every personal key masked, at any depth. */
export function maskTraits(traits: unknown): unknown {
  if (Array.isArray(traits)) {
    return traits.map(maskTraits);
  }
  if (traits === null || typeof traits !== 'object') {
    return traits;
  }
  return Object.fromEntries(
    Object.entries(traits as Record<string, unknown>).map(([key, value]) => {
      const normalised = normaliseKey(key);
      if (!PERSONAL_TRAIT_KEYS.has(normalised) || value === null) {
        return [key, maskTraits(value)];
      }
      return [
        key,
        EMAIL_KEYS.has(normalised) && typeof value === 'string' ? maskEmail(value) : MASK,
      ];
    }),
  );
}

/**
 * Whether `traits` holds any personal value, so an unmasked read of only harmless traits is
 * not audited as a read of personal data.
 */
export function hasPersonalTraits(traits: unknown): boolean {
  if (Array.isArray(traits)) {
    return traits.some(hasPersonalTraits);
  }
  if (traits === null || typeof traits !== 'object') {
    return false;
  }
  return Object.entries(traits as Record<string, unknown>).some(
    ([key, value]) =>
      (PERSONAL_TRAIT_KEYS.has(normaliseKey(key)) && value !== null) || hasPersonalTraits(value),
  );
}

/** The masked form of `value` for a field of this kind; `type` is the identity's type. */
export function mask(kind: PersonalKind, value: unknown, identityType?: unknown): unknown {
  switch (kind) {
    case 'text':
      return maskText(value);
    case 'email':
      return typeof value === 'string' ? maskEmail(value) : value;
    case 'traits':
      return maskTraits(value);
    case 'identity':
      if (!PERSONAL_IDENTITY_TYPES.has(String(identityType))) {
        return value;
      }
      return identityType === 'email' && typeof value === 'string' ? maskEmail(value) : MASK;
  }
}

/** Whether `value` holds personal data worth auditing when read unmasked. */
export function isPersonal(kind: PersonalKind, value: unknown, identityType?: unknown): boolean {
  if (value === null || value === undefined) {
    return false;
  }
  switch (kind) {
    case 'text':
    case 'email':
      return true;
    case 'traits':
      return hasPersonalTraits(value);
    case 'identity':
      return PERSONAL_IDENTITY_TYPES.has(String(identityType));
  }
}
