import { createHash } from 'node:crypto';

import type { Queryable } from '../../datasources/postgres.js';
import type { IdentityKey } from '../identity/identity.store.js';

/** The stored form of an identity of an erased customer: SHA-256 of "type:value". */
export function identityHash(identity: IdentityKey): string {
  return createHash('sha256').update(`${identity.type}:${identity.value}`).digest('hex');
}

/** PostgreSQL access to erasure suppressions. */
export class SuppressionStore {
  constructor(private readonly db: Queryable) {}

  async add(identities: readonly IdentityKey[]): Promise<void> {
    await this.db.query(
      /* sql */ `/* suppression.add */
      INSERT INTO erasure_suppressions (identity_hash)
      SELECT unnest($1::text[])
      ON CONFLICT ON CONSTRAINT erasure_suppressions_pkey DO NOTHING`,
      [identities.map(identityHash)],
    );
  }

  /** Whether the identity belonged to an erased customer; if so, counts one dropped event. */
  async dropIfSuppressed(identity: IdentityKey): Promise<boolean> {
    const { rowCount } = await this.db.query(
      /* sql */ `/* suppression.dropIfSuppressed */
      UPDATE erasure_suppressions SET dropped_events = dropped_events + 1 WHERE identity_hash = $1`,
      [identityHash(identity)],
    );
    return (rowCount ?? 0) > 0;
  }

  async isSuppressed(identity: IdentityKey): Promise<boolean> {
    const { rows } = await this.db.query(
      `/* suppression.isSuppressed */ SELECT 1 FROM erasure_suppressions WHERE identity_hash = $1`,
      [identityHash(identity)],
    );
    return rows.length > 0;
  }
}
