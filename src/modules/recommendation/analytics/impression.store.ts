import type { Queryable } from '../../../datasources/postgres.js';

/** One computed recommendation answer, as attribution needs it. */
export interface Impression {
  requestId: string;
  customerId: string;
  surface: string;
  variant: string;
  modelVersion: string;
  itemIds: readonly string[];
  createdAt: Date;
}

/** recommendation_impressions: what was recommended, to whom, where, by which variant. */
export class ImpressionStore {
  constructor(private readonly db: Queryable) {}

  /**
   * Inserts a batch in one statement. Rows of customers that no longer exist (erased or
   * merged away while the batch waited) are skipped, as are request ids already stored.
   */
  async insert(impressions: readonly Impression[]): Promise<void> {
    if (impressions.length === 0) {
      return;
    }
    await this.db.query(
      /* sql */ `/* impression.insert */
      INSERT INTO recommendation_impressions
        (request_id, customer_id, surface, variant, model_version, item_ids, created_at)
      SELECT r.request_id, r.customer_id, r.surface, r.variant, r.model_version, r.item_ids,
             r.created_at
      FROM jsonb_to_recordset($1::jsonb) AS r(request_id uuid, customer_id uuid, surface text,
        variant text, model_version text, item_ids uuid[], created_at timestamptz)
      WHERE EXISTS (SELECT 1 FROM customers c WHERE c.id = r.customer_id)
      ON CONFLICT ON CONSTRAINT recommendation_impressions_pkey DO NOTHING`,
      [
        JSON.stringify(
          impressions.map((i) => ({
            request_id: i.requestId,
            customer_id: i.customerId,
            surface: i.surface,
            variant: i.variant,
            model_version: i.modelVersion,
            item_ids: i.itemIds,
            created_at: i.createdAt.toISOString(),
          })),
        ),
      ],
    );
  }

  /** Erasure: an impression names its customer, so it goes with them. */
  async deleteByCustomerIds(customerIds: readonly string[]): Promise<void> {
    if (customerIds.length > 0) {
      await this.db.query(
        /* sql */ `/* impression.deleteByCustomerIds */
        DELETE FROM recommendation_impressions WHERE customer_id = ANY($1::uuid[])`,
        [customerIds],
      );
    }
  }

  /** A merge: the merged customer's impressions become the survivor's, as its events do. */
  async moveToSurvivors(pairs: readonly { mergedId: string; survivorId: string }[]): Promise<void> {
    if (pairs.length > 0) {
      await this.db.query(
        /* sql */ `/* impression.moveToSurvivors */
        UPDATE recommendation_impressions i SET customer_id = m.survivor_id
        FROM unnest($1::uuid[], $2::uuid[]) AS m(merged_id, survivor_id)
        WHERE i.customer_id = m.merged_id`,
        [pairs.map((p) => p.mergedId), pairs.map((p) => p.survivorId)],
      );
    }
  }
}
