import type { Queryable } from '../../datasources/postgres.js';
import { ConsentPurpose } from './consent.kinds.js';
import type { Consent } from './consent.type.js';

interface ConsentRow {
  customer_id: string;
  purpose: ConsentPurpose;
  granted: boolean;
  source: string | null;
  updated_at: Date;
}

export interface CustomerConsent extends Consent {
  customerId: string;
}

/** PostgreSQL access for consent per purpose. */
export class ConsentStore {
  constructor(private readonly db: Queryable) {}

  async listByCustomerIds(customerIds: readonly string[]): Promise<CustomerConsent[]> {
    const { rows } = await this.db.query<ConsentRow>(
      /* sql */ `/* consent.listByCustomerIds */
      SELECT customer_id, purpose, granted, source, updated_at FROM customer_consents
      WHERE customer_id = ANY($1::uuid[])`,
      [customerIds],
    );
    return rows.map((row) => ({
      customerId: row.customer_id,
      purpose: row.purpose,
      granted: row.granted,
      source: row.source,
      updatedAt: row.updated_at,
    }));
  }

  /** Of the given customers, those who withdrew consent for `purpose` (no answer is not a no). */
  async listWithdrawn(
    customerIds: readonly string[],
    purpose: ConsentPurpose,
  ): Promise<Set<string>> {
    const { rows } = await this.db.query<{ customer_id: string }>(
      /* sql */ `/* consent.listWithdrawn */
      SELECT customer_id FROM customer_consents
      WHERE customer_id = ANY($1::uuid[]) AND purpose = $2 AND NOT granted`,
      [customerIds, purpose],
    );
    return new Set(rows.map((row) => row.customer_id));
  }

  /**
   * Records an answer.
   *
   * @returns the stored consent, or `null` when the customer does not exist.
   */
  async set(
    customerId: string,
    purpose: ConsentPurpose,
    granted: boolean,
    source: string | null,
  ): Promise<Consent | null> {
    const { rows } = await this.db.query<ConsentRow>(
      /* sql */ `/* consent.set */
      WITH saved AS (
        -- Locked as it is read: a customer erased meanwhile is no row (null), not a foreign
        -- key violation at commit.
        INSERT INTO customer_consents (customer_id, purpose, granted, source)
        SELECT id, $2, $3, $4 FROM customers WHERE id = $1 FOR KEY SHARE
        ON CONFLICT ON CONSTRAINT customer_consents_pkey DO UPDATE
          SET granted = EXCLUDED.granted, source = EXCLUDED.source, updated_at = now()
        RETURNING customer_id, purpose, granted, source, updated_at
      ), unembedded AS (
        -- Withdrawn personalization: the preference vector goes in the same statement.
        DELETE FROM customer_embeddings
        WHERE customer_id IN (SELECT customer_id FROM saved WHERE purpose = 'personalization' AND NOT granted)
      )
      SELECT * FROM saved`,
      [customerId, purpose, granted, source],
    );
    const row = rows[0];
    return row
      ? {
          purpose: row.purpose,
          granted: row.granted,
          source: row.source,
          updatedAt: row.updated_at,
        }
      : null;
  }
}

/** One entry per purpose, in a fixed order; purposes never answered come back with `granted: null`. */
export function completeConsents(stored: readonly Consent[]): Consent[] {
  return Object.values(ConsentPurpose).map(
    (purpose) =>
      stored.find((c) => c.purpose === purpose) ?? {
        purpose,
        granted: null,
        source: null,
        updatedAt: null,
      },
  );
}
