import type { Queryable } from '../../datasources/postgres.js';
import { UUID_PATTERN } from '../../lib/ids.js';

/** A tracked event whose catalog reference resolved to a product or a campaign. */
export interface ResolvedEventRef {
  customerId: string;
  type: string;
  productId: string | null;
  campaignId: string | null;
}

/** Absolute figures for one customer, one catalog item and one event type. */
export interface EventTally {
  customerId: string;
  targetId: string;
  type: string;
  count: number;
  firstAt: Date;
  lastAt: Date;
}

/**
 * PostgreSQL side of interactions: which product or campaign an event names, and how often a
 * customer did each thing with it. Each method is one statement, so no transaction is needed.
 */
export class InteractionStore {
  constructor(private readonly db: Queryable) {}

  /**
   * Resolves `properties.productId` (a c360 UUID) or `properties.sku` of the given view,
   * cart_add and purchase events, and `properties.campaignId` (UUID or external id) of
   * campaign_touch events, and stores the ids found on the event rows. Unknown references
   * are left null. One statement for the whole batch.
   */
  async attachCatalogRefs(messageIds: readonly string[]): Promise<ResolvedEventRef[]> {
    // The CASE guards the casts: a reference that is not a UUID is never cast.
    const { rows } = await this.db.query<{
      customer_id: string;
      type: string;
      product_id: string | null;
      campaign_id: string | null;
    }>(
      /* sql */ `/* interaction.attachCatalogRefs */
      WITH tracked AS (
        SELECT id, type,
               CASE WHEN properties->>'productId' ~* $2 THEN (properties->>'productId')::uuid END AS product_uuid,
               properties->>'sku' AS sku,
               properties->>'campaignId' AS campaign_ref,
               CASE WHEN properties->>'campaignId' ~* $2 THEN (properties->>'campaignId')::uuid END AS campaign_uuid
        FROM events
        WHERE message_id = ANY($1::text[])
          AND type IN ('view', 'cart_add', 'purchase', 'campaign_touch')
      ), resolved AS (
        SELECT t.id,
               CASE WHEN t.type <> 'campaign_touch' THEN COALESCE(
                 (SELECT p.id FROM products p WHERE p.id = t.product_uuid),
                 (SELECT p.id FROM products p WHERE p.sku = t.sku)) END AS product_id,
               CASE WHEN t.type = 'campaign_touch' THEN COALESCE(
                 (SELECT c.id FROM campaigns c WHERE c.id = t.campaign_uuid),
                 (SELECT c.id FROM campaigns c WHERE c.external_id = t.campaign_ref)) END AS campaign_id
        FROM tracked t
      )
      UPDATE events e SET product_id = r.product_id, campaign_id = r.campaign_id
      FROM resolved r
      WHERE e.id = r.id AND (r.product_id IS NOT NULL OR r.campaign_id IS NOT NULL)
      RETURNING e.customer_id, e.type, e.product_id, e.campaign_id`,
      // The same pattern as the gateway's; `~*` makes it case-insensitive, as its `i` flag does.
      [messageIds, UUID_PATTERN.source],
    );
    return rows.map((row) => ({
      customerId: row.customer_id,
      type: row.type,
      productId: row.product_id,
      campaignId: row.campaign_id,
    }));
  }

  /** Count, first and last time of each (customer, product, type), in one grouped statement. */
  tallyProducts(refs: readonly ResolvedEventRef[]): Promise<EventTally[]> {
    return this.tally('interaction.tallyProducts', 'product_id', refs, (r) => r.productId);
  }

  /** Count, first and last time of each (customer, campaign) touch, in one grouped statement. */
  tallyCampaigns(refs: readonly ResolvedEventRef[]): Promise<EventTally[]> {
    return this.tally('interaction.tallyCampaigns', 'campaign_id', refs, (r) => r.campaignId);
  }

  /** Every tally of one customer: per product and event type, and per campaign touched. */
  async tallyCustomer(
    customerId: string,
  ): Promise<{ products: EventTally[]; campaigns: EventTally[] }> {
    const { rows } = await this.db.query<{
      target_kind: 'product' | 'campaign';
      target_id: string;
      type: string;
      count: number;
      first_at: Date;
      last_at: Date;
    }>(
      /* sql */ `/* interaction.tallyCustomer */
      SELECT CASE WHEN product_id IS NOT NULL THEN 'product' ELSE 'campaign' END AS target_kind,
             COALESCE(product_id, campaign_id) AS target_id, type, count(*)::int AS count,
             min(occurred_at) AS first_at, max(occurred_at) AS last_at
      FROM events
      WHERE customer_id = $1 AND (product_id IS NOT NULL OR campaign_id IS NOT NULL)
      GROUP BY 1, 2, type
      ORDER BY type, 2`,
      [customerId],
    );
    const tallies = rows.map((row) => ({
      kind: row.target_kind,
      tally: {
        customerId,
        targetId: row.target_id,
        type: row.type,
        count: row.count,
        firstAt: row.first_at,
        lastAt: row.last_at,
      },
    }));
    return {
      products: tallies.filter((t) => t.kind === 'product').map((t) => t.tally),
      campaigns: tallies.filter((t) => t.kind === 'campaign').map((t) => t.tally),
    };
  }

  private async tally(
    name: string,
    column: 'product_id' | 'campaign_id',
    refs: readonly ResolvedEventRef[],
    targetOf: (ref: ResolvedEventRef) => string | null,
  ): Promise<EventTally[]> {
    const keys = refs.filter((ref) => targetOf(ref) !== null);
    if (keys.length === 0) {
      return [];
    }
    const { rows } = await this.db.query<{
      customer_id: string;
      target_id: string;
      type: string;
      count: number;
      first_at: Date;
      last_at: Date;
    }>(
      /* sql */ `/* ${name} */
      SELECT customer_id, ${column} AS target_id, type, count(*)::int AS count,
             min(occurred_at) AS first_at, max(occurred_at) AS last_at
      FROM events
      WHERE (customer_id, ${column}, type) IN (
        SELECT DISTINCT * FROM unnest($1::uuid[], $2::uuid[], $3::text[]))
      GROUP BY customer_id, ${column}, type
      ORDER BY type, customer_id, ${column}`,
      [keys.map((k) => k.customerId), keys.map(targetOf), keys.map((k) => k.type)],
    );
    return rows.map((row) => ({
      customerId: row.customer_id,
      targetId: row.target_id,
      type: row.type,
      count: row.count,
      firstAt: row.first_at,
      lastAt: row.last_at,
    }));
  }
}
