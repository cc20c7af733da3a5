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
      INSERT INTO customer_consents (customer_id, purpose, granted, source)
      SELECT id, $2, $3, $4 FROM customers WHERE id = $1
      ON CONFLICT ON CONSTRAINT customer_consents_pkey DO UPDATE
        SET granted = EXCLUDED.granted, source = EXCLUDED.source, updated_at = now()
      RETURNING customer_id, purpose, granted, source, updated_at`,
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
