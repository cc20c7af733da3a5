import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

import { IdentityType } from './identity.type.js';

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
      return { ok: true, value };
  }
}
