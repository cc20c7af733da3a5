import { DEFAULT_NON_PERSONAL_KEYS } from './access.kinds.js';
import { detectPersonal } from './pii.detectors.js';

/**
 * What counts as personal data in c360, and how it looks to a key without `READ_PII`. This is
 * the one place to change either; the schema descriptions and docs/security.md quote it.
 *
 * Masking is an allow-list, not a deny-list of known keys:
 * - Free-form JSON (`Customer.traits`, `Event.properties`) keeps only the keys the deployment
 *   declares non-personal (NON_PERSONAL_KEYS; matched ignoring case, `_` and `-`, at any
 *   depth); every other key's value reads `•••`, objects and lists included.
 * - Even under an allowed key, and in opaque fields (`Event.name`, `Event.messageId`, user,
 *   CRM, device and custom identities), a value that looks personal is masked: e-mail
 *   addresses, phone numbers, card numbers, IBANs and IP addresses (pii.detectors.ts).
 * - Names, consent sources and other personal text read `•••` (nothing of the value, not even
 *   its length); e-mail addresses keep their first letter, the domain's first letter and the
 *   top-level domain: `ada@example.com` reads `a•••@e•••.com`.
 */

export const MASK = '•••';

/** How a personal field is masked. */
export type PersonalKind = 'text' | 'email' | 'json' | 'identity' | 'opaque';

/** Identity types (stored values) whose values are personal whatever they look like. */
export const PERSONAL_IDENTITY_TYPES: ReadonlySet<string> = new Set(['email', 'phone']);

const normaliseKey = (key: string) => key.toLowerCase().replace(/[_-]/g, '');

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

/** A string as a key without `READ_PII` sees it where it is not personal by itself. */
function maskIfDetected(value: string): string {
  const kind = detectPersonal(value);
  if (kind === null) {
    return value;
  }
  return kind === 'email' && !/\s/.test(value.trim()) ? maskEmail(value.trim()) : MASK;
}

/** A value under a key not declared non-personal: gone, but an e-mail keeps its outline. */
function hide(value: unknown): string {
  return typeof value === 'string' && detectPersonal(value) === 'email' && !/\s/.test(value.trim())
    ? maskEmail(value.trim())
    : MASK;
}

/** The masking rules of one deployment: which JSON keys it declares non-personal. */
export class PiiMasking {
  private readonly allowed: ReadonlySet<string>;

  constructor(nonPersonalKeys: readonly string[] = DEFAULT_NON_PERSONAL_KEYS) {
    this.allowed = new Set(nonPersonalKeys.map(normaliseKey));
  }

  /** The masked form of `value` for a field of this kind; `identityType` for identities. */
  mask(kind: PersonalKind, value: unknown, identityType?: unknown): unknown {
    if (value === null || value === undefined) {
      return value;
    }
    switch (kind) {
      case 'text':
        return MASK;
      case 'email':
        return typeof value === 'string' ? maskEmail(value) : MASK;
      case 'json':
        return this.maskJson(value);
      case 'opaque':
        // A list (interest keywords) is masked item by item, as `interests` traits are.
        if (Array.isArray(value)) {
          return value.map((item: unknown) => this.mask('opaque', item));
        }
        return typeof value === 'string' ? maskIfDetected(value) : value;
      case 'identity':
        if (!PERSONAL_IDENTITY_TYPES.has(String(identityType))) {
          return this.mask('opaque', value);
        }
        return identityType === 'email' && typeof value === 'string' ? maskEmail(value) : MASK;
    }
  }

  /** Whether a key without `READ_PII` would see `value` changed: worth auditing when read. */
  isPersonal(kind: PersonalKind, value: unknown, identityType?: unknown): boolean {
    if (value === null || value === undefined) {
      return false;
    }
    return JSON.stringify(this.mask(kind, value, identityType)) !== JSON.stringify(value);
  }

  /**
   * A copy of free-form JSON where only allowed keys keep their values (still checked by the
   * detectors); every other key's value reads `•••`, whatever its type.
   */
  maskJson(json: unknown): unknown {
    if (Array.isArray(json)) {
      return json.map((item) => this.maskJson(item));
    }
    if (typeof json === 'string') {
      return maskIfDetected(json);
    }
    if (json === null || typeof json !== 'object') {
      return json;
    }
    return Object.fromEntries(
      Object.entries(json as Record<string, unknown>).map(([key, value]) => [
        key,
        this.allowed.has(normaliseKey(key)) || value === null ? this.maskJson(value) : hide(value),
      ]),
    );
  }
}
