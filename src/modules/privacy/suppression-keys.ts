import { createHash, createHmac, createSecretKey, type KeyObject } from 'node:crypto';

import { IdentityType } from '../identity/identity.kinds.js';
import { normalizeIdentity } from '../identity/identity.normalize.js';
import type { IdentityKey } from '../identity/identity.store.js';

/** How a row of `erasure_suppressions` was keyed: its `key_scheme` column. */
export const KeyScheme = {
  /** HMAC-SHA256 of "type:value" under SUPPRESSION_PEPPER: every row written now. */
  HMAC_SHA256: 'hmac-sha256',
  /** Unsalted SHA-256 of "type:value": rows written before the pepper, matched, never written. */
  SHA256: 'sha256',
} as const;

/**
 * The stored forms of an identity of an erased customer. New rows are HMAC-SHA256 of
 * "type:value" keyed by the deployment's secret pepper, so hashing every phone number or a
 * list of e-mail addresses does not reverse them without the pepper. Rows written before
 * the pepper hold plain SHA-256 of the same text: they cannot be re-keyed without the
 * values they hide, so they are still matched in that form ({@link legacyKeyOf}).
 *
 * The pepper must never change: rows keyed with another pepper are no longer matched.
 */
export class SuppressionKeys {
  // A private field: util.inspect and JSON.stringify (logs) never show it. A KeyObject built
  // once: handed a Buffer, createHmac imports it as a new key on every call, which made
  // each key ~6 times slower to compute (events check suppression for every identity).
  readonly #pepper: KeyObject;

  constructor(pepper: string) {
    if (pepper.length === 0) {
      throw new Error('the suppression pepper must not be empty');
    }
    this.#pepper = createSecretKey(Buffer.from(pepper, 'utf8'));
  }

  /** The HMAC-SHA256 form, the only one written. */
  keyOf(identity: IdentityKey): string {
    return createHmac('sha256', this.#pepper).update(text(identity)).digest('hex');
  }

  /** The unsalted SHA-256 form of rows written before the pepper. */
  legacyKeyOf(identity: IdentityKey): string {
    return createHash('sha256').update(text(identity)).digest('hex');
  }
}

/**
 * The identity a contact e-mail (`Customer.email`) is suppressed as: the key of the same
 * address as an EMAIL identity, so an address erased as either is refused as both.
 */
export function contactEmailKey(email: string): IdentityKey {
  const normalized = normalizeIdentity(IdentityType.EMAIL, email);
  return {
    type: IdentityType.EMAIL,
    value: normalized.ok ? normalized.value : email.trim().toLowerCase(),
  };
}

function text(identity: IdentityKey): string {
  return `${identity.type}:${identity.value}`;
}
