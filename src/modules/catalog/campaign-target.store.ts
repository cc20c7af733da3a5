import type { Queryable } from '../../datasources/postgres.js';

/** One campaign targeting: the graph's (Customer)-[:TARGETED_BY {at}]->(Campaign). */
export interface CampaignTargetRow {
  campaignId: string;
  customerId: string;
  /** ISO time, as the outbox payload carries it. */
  at: string;
}

interface TargetRow {
  campaign_id: string;
  customer_id: string;
  targeted_at: Date;
}

const toTarget = (row: TargetRow): CampaignTargetRow => ({
  campaignId: row.campaign_id,
  customerId: row.customer_id,
  at: row.targeted_at.toISOString(),
});

/**
 * PostgreSQL side of campaign targeting: the system of record the graph's TARGETED_BY edges
 * are projected from. Written in the transaction that queues the outbox messages.
 */
export class CampaignTargetStore {
  constructor(private readonly db: Queryable) {}

  /** Records targetings; targeting again only moves the time forward (as the graph does). */
  async upsert(rows: readonly CampaignTargetRow[]): Promise<void> {
    if (rows.length === 0) {
      return;
    }
    await this.db.query(
      /* sql */ `/* campaignTarget.upsert */
      INSERT INTO campaign_targets (customer_id, campaign_id, targeted_at)
      SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[])
      ON CONFLICT ON CONSTRAINT campaign_targets_pkey DO UPDATE
        SET targeted_at = GREATEST(campaign_targets.targeted_at, EXCLUDED.targeted_at)`,
      columns(rows),
    );
  }

  /**
   * Up to `limit` targetings after `after` in key order (keyset pagination), optionally only
   * those of the given customers.
   */
  async listPage(
    after: CampaignTargetRow | null,
    limit: number,
    customerIds: readonly string[] | null = null,
  ): Promise<CampaignTargetRow[]> {
    const { rows } = await this.db.query<TargetRow>(
      /* sql */ `/* campaignTarget.listPage */
      SELECT customer_id, campaign_id, targeted_at FROM campaign_targets
      WHERE ($1::uuid IS NULL OR (customer_id, campaign_id) > ($1, $2::uuid))
        AND ($4::uuid[] IS NULL OR customer_id = ANY($4))
      ORDER BY customer_id, campaign_id
      LIMIT $3`,
      [after?.customerId ?? null, after?.campaignId ?? null, limit, customerIds],
    );
    return rows.map(toTarget);
  }

  /** How many targetings are stored (for progress). */
  async count(): Promise<number> {
    const { rows } = await this.db.query<{ count: number }>(
      `/* campaignTarget.count */ SELECT count(*)::int AS count FROM campaign_targets`,
    );
    return rows[0]!.count;
  }

  /**
   * Of the given targetings, those not stored here of customers and campaigns stored here
   * (what {@link backfill} would add).
   */
  async findMissing(rows: readonly CampaignTargetRow[]): Promise<CampaignTargetRow[]> {
    const { rows: missing } = await this.db.query<TargetRow>(
      /* sql */ `/* campaignTarget.findMissing */
      SELECT t.customer_id, t.campaign_id, t.targeted_at
      FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[]) AS t(customer_id, campaign_id, targeted_at)
      WHERE NOT EXISTS (
          SELECT 1 FROM campaign_targets s
          WHERE s.customer_id = t.customer_id AND s.campaign_id = t.campaign_id)
        AND EXISTS (SELECT 1 FROM customers c WHERE c.id = t.customer_id)
        AND EXISTS (SELECT 1 FROM campaigns k WHERE k.id = t.campaign_id)`,
      columns(rows),
    );
    return missing.map(toTarget);
  }

  /**
   * Stores targetings found only in the graph (the one-time backfill), skipping those whose
   * customer or campaign PostgreSQL no longer holds.
   *
   * @returns how many were added or moved forward.
   */
  async backfill(rows: readonly CampaignTargetRow[]): Promise<number> {
    const { rowCount } = await this.db.query(
      /* sql */ `/* campaignTarget.backfill */
      INSERT INTO campaign_targets (customer_id, campaign_id, targeted_at)
      SELECT t.customer_id, t.campaign_id, t.targeted_at
      FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[]) AS t(customer_id, campaign_id, targeted_at)
      WHERE EXISTS (SELECT 1 FROM customers c WHERE c.id = t.customer_id)
        AND EXISTS (SELECT 1 FROM campaigns k WHERE k.id = t.campaign_id)
      ON CONFLICT ON CONSTRAINT campaign_targets_pkey DO UPDATE
        SET targeted_at = GREATEST(campaign_targets.targeted_at, EXCLUDED.targeted_at)
        WHERE EXCLUDED.targeted_at > campaign_targets.targeted_at`,
      columns(rows),
    );
    return rowCount ?? 0;
  }
}

function columns(rows: readonly CampaignTargetRow[]): [string[], string[], string[]] {
  return [rows.map((r) => r.customerId), rows.map((r) => r.campaignId), rows.map((r) => r.at)];
}
