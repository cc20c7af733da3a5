import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

import { BUILT_IN_IDENTITY_TYPES, IdentityType } from './identity.kinds.js';

export type Normalized = { ok: true; value: string } | { ok: false; reason: string };

// Deliberately permissive (RFC 5321 allows far more than most validators); it only rejects what
// can never be delivered to, so a real customer is never turned away.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The canonical form of an identifier, so one person is one identity however a client spells
 * it: e-mail trimmed and lower-cased, phone numbers in E.164 (they must carry a country code),
 * opaque ids trimmed. Never throws; a malformed value comes back with the reason.
 */
export function normalizeIdentity(type: IdentityType, raw: string): Normalized {
  const value = raw.trim();
  if (value === '' || value.length > 256) {
    return { ok: false, reason: `${type} must be 1 to 256 characters` };
  }
  switch (type) {
    case IdentityType.EMAIL: {
      const email = value.toLowerCase();
      return EMAIL.test(email)
        ? { ok: true, value: email }
        : { ok: false, reason: 'email is not an e-mail address' };
    }
    case IdentityType.PHONE: {
      const phone = parsePhoneNumberFromString(value);
      return phone?.isValid()
        ? { ok: true, value: phone.number }
        : {
            ok: false,
            reason: 'phone is not a valid number with a country code, e.g. +44 20 7946 0958',
          };
    }
    case IdentityType.USER_ID:
    case IdentityType.ANONYMOUS_ID:
    case IdentityType.DEVICE_ID:
    case IdentityType.CRM_ID:
    case IdentityType.CUSTOM:
      return { ok: true, value };
  }
}

/** A normalised identity as stored: `type` is a built-in value or a configured custom name. */
export interface StoredIdentityKey {
  type: string;
  value: string;
}

export type KeyResult = { ok: true; key: StoredIdentityKey } | { ok: false; reason: string };

/**
 * The identifier kinds one deployment accepts: the built-in ones plus the custom names it
 * configured (a loyalty card number, a shop's customer id, ...). Custom identifiers are opaque:
 * trimmed, never reshaped.
 */
export class IdentityVocabulary {
  private readonly custom: ReadonlySet<string>;

  constructor(customTypes: readonly string[]) {
    this.custom = new Set(customTypes);
  }

  /** The stored key for an identifier as a client sends it; never throws. */
  keyOf(type: IdentityType, value: string, customType?: string | null): KeyResult {
    if (type !== IdentityType.CUSTOM) {
      if (customType != null) {
        return { ok: false, reason: 'customType is only allowed with type CUSTOM' };
      }
      const normalized = normalizeIdentity(type, value);
      return normalized.ok ? { ok: true, key: { type, value: normalized.value } } : normalized;
    }
    if (customType == null || !this.custom.has(customType)) {
      const known = [...this.custom].join(', ') || 'none are configured (IDENTITY_CUSTOM_TYPES)';
      return {
        ok: false,
        reason: `type CUSTOM needs a configured customType; known: ${known}`,
      };
    }
    const opaque = normalizeIdentity(IdentityType.CUSTOM, value);
    return opaque.ok ? { ok: true, key: { type: customType, value: opaque.value } } : opaque;
  }
}

/** How a stored type reads in GraphQL: a built-in kind, or CUSTOM with its name. */
export function fromStoredType(type: string): { type: IdentityType; customType: string | null } {
  return BUILT_IN_IDENTITY_TYPES.has(type)
    ? { type: type as IdentityType, customType: null }
    : { type: IdentityType.CUSTOM, customType: type };
}
