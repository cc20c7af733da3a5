import type { Queryable } from '../../datasources/postgres.js';
import type { IdentityKey } from '../identity/identity.store.js';
import { KeyScheme, type SuppressionKeys } from './suppression-keys.js';

/**
 * PostgreSQL access to erasure suppressions: the identities of erased customers, kept only as
 * keyed hashes (see {@link SuppressionKeys}). Every lookup matches both the HMAC form and the
 * unsalted SHA-256 form of rows written before the pepper; only the HMAC form is written.
 */
export class SuppressionStore {
  constructor(
    private readonly db: Queryable,
    private readonly keys: SuppressionKeys,
  ) {}

  async add(identities: readonly IdentityKey[]): Promise<void> {
    await this.db.query(
      /* sql */ `/* suppression.add */
      INSERT INTO erasure_suppressions (identity_hash, key_scheme)
      SELECT unnest($1::text[]), $2
      ON CONFLICT ON CONSTRAINT erasure_suppressions_pkey DO NOTHING`,
      [identities.map((identity) => this.keys.keyOf(identity)), KeyScheme.HMAC_SHA256],
    );
  }

  /** Whether the identity belonged to an erased customer; if so, counts one dropped event. */
  async dropIfSuppressed(identity: IdentityKey): Promise<boolean> {
    const { rowCount } = await this.db.query(
      /* sql */ `/* suppression.dropIfSuppressed */
      UPDATE erasure_suppressions SET dropped_events = dropped_events + 1
      WHERE (key_scheme = $3 AND identity_hash = $1) OR (key_scheme = $4 AND identity_hash = $2)`,
      [...this.forms(identity), KeyScheme.HMAC_SHA256, KeyScheme.SHA256],
    );
    return (rowCount ?? 0) > 0;
  }

  /**
   * {@link dropIfSuppressed} for many identities in one statement: counts `events[i]` dropped
   * events for `identities[i]` when it belonged to an erased customer.
   *
   * @returns the positions (in `identities`) of the suppressed ones.
   */
  async dropSuppressed(
    identities: readonly IdentityKey[],
    events: readonly number[],
  ): Promise<Set<number>> {
    if (identities.length === 0) {
      return new Set();
    }
    const forms = identities.map((identity) => this.forms(identity));
    const { rows } = await this.db.query<{ i: string }>(
      /* sql */ `/* suppression.dropSuppressed */
      UPDATE erasure_suppressions s SET dropped_events = s.dropped_events + k.n
      FROM unnest($1::text[], $2::text[], $3::int[]) WITH ORDINALITY AS k(hmac, legacy, n, i)
      WHERE (s.key_scheme = $4 AND s.identity_hash = k.hmac)
         OR (s.key_scheme = $5 AND s.identity_hash = k.legacy)
      RETURNING k.i`,
      [
        forms.map((f) => f[0]),
        forms.map((f) => f[1]),
        events,
        KeyScheme.HMAC_SHA256,
        KeyScheme.SHA256,
      ],
    );
    return new Set(rows.map((row) => Number(row.i) - 1));
  }

  async isSuppressed(identity: IdentityKey): Promise<boolean> {
    return (await this.findSuppressed([identity])).length > 0;
  }

  /** Those of `identities` that belonged to an erased customer, in one statement. */
  async findSuppressed(identities: readonly IdentityKey[]): Promise<IdentityKey[]> {
    if (identities.length === 0) {
      return [];
    }
    const forms = identities.map((identity) => this.forms(identity));
    const { rows } = await this.db.query<{ i: string }>(
      /* sql */ `/* suppression.findSuppressed */
      SELECT k.i FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(hmac, legacy, i)
      WHERE EXISTS (
        SELECT 1 FROM erasure_suppressions s
        WHERE (s.key_scheme = $3 AND s.identity_hash = k.hmac)
           OR (s.key_scheme = $4 AND s.identity_hash = k.legacy)
      )`,
      [forms.map((f) => f[0]), forms.map((f) => f[1]), KeyScheme.HMAC_SHA256, KeyScheme.SHA256],
    );
    return rows.map((row) => identities[Number(row.i) - 1]!);
  }

  private forms(identity: IdentityKey): [hmac: string, legacy: string] {
    return [this.keys.keyOf(identity), this.keys.legacyKeyOf(identity)];
  }
}
