import type { Queryable } from '../../datasources/postgres.js';
import { UUID_PATTERN } from '../../lib/ids.js';
import { INTERACTION_EVENT_TYPES } from './interaction.kinds.js';

/** A tracked event whose catalog reference resolved to a product, content item or campaign. */
export interface ResolvedEventRef {
  customerId: string;
  type: string;
  productId: string | null;
  contentId: string | null;
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

/** What a tally counts interactions with. */
export type TargetKind = 'products' | 'content' | 'campaigns';

/** The event columns an item reference is stored in; the only names that reach a statement. */
type TargetColumn = 'product_id' | 'content_id' | 'campaign_id';

/**
 * PostgreSQL side of interactions: which product, content item or campaign an event names,
 * and how often a customer did each thing with it. Each method is one statement, so no
 * transaction is needed.
 */
export class InteractionStore {
  constructor(private readonly db: Queryable) {}

  /**
   * Resolves the items the given events name and stores their ids on the event rows, in one
   * statement for the whole batch. Interaction events (INTERACTION_EVENT_TYPES) name a product
   * by `properties.productId` (a c360 UUID) or `properties.sku`, and a content item by
   * `properties.contentId` (a c360 UUID) or `properties.contentExternalId` (or `externalId`);
   * an event naming both counts for both. campaign_touch events name a campaign by
   * `properties.campaignId` (UUID or external id). Unknown references are left null.
   *
   * @returns the events that resolved now.
   */
  async attachCatalogRefs(messageIds: readonly string[]): Promise<ResolvedEventRef[]> {
    const { rows } = await this.db.query<RefRow>(
      /* sql */ `/* interaction.attachCatalogRefs */
      WITH ${resolveRefs('')}
      UPDATE events e
      SET product_id = r.product_id, content_id = r.content_id, campaign_id = r.campaign_id
      FROM resolved r
      WHERE e.id = r.id
        AND (r.product_id IS NOT NULL OR r.content_id IS NOT NULL OR r.campaign_id IS NOT NULL)
      RETURNING e.customer_id, e.type, e.product_id, e.content_id, e.campaign_id`,
      [messageIds, UUID_PATTERN.source, INTERACTION_EVENT_TYPES],
    );
    return rows.map(toRef);
  }

  /**
   * The follower's side of {@link attachCatalogRefs}: the events' items as the write recorded
   * them, plus any that resolve only now (an item created after its events), in one statement.
   * Rows the write resolved are read, not resolved and rewritten again.
   *
   * @returns every event among `messageIds` that names a known item.
   */
  async catalogRefs(messageIds: readonly string[]): Promise<ResolvedEventRef[]> {
    // The outer SELECT reads the snapshot from before the UPDATE: a row resolved now comes
    // back once, from `attached`.
    const { rows } = await this.db.query<RefRow>(
      /* sql */ `/* interaction.catalogRefs */
      WITH ${resolveRefs('AND product_id IS NULL AND content_id IS NULL AND campaign_id IS NULL')},
      attached AS (
        UPDATE events e
        SET product_id = r.product_id, content_id = r.content_id, campaign_id = r.campaign_id
        FROM resolved r
        WHERE e.id = r.id
          AND (r.product_id IS NOT NULL OR r.content_id IS NOT NULL OR r.campaign_id IS NOT NULL)
        RETURNING e.customer_id, e.type, e.product_id, e.content_id, e.campaign_id
      )
      SELECT customer_id, type, product_id, content_id, campaign_id FROM events
      WHERE message_id = ANY($1::text[])
        AND (product_id IS NOT NULL OR content_id IS NOT NULL OR campaign_id IS NOT NULL)
      UNION ALL
      SELECT customer_id, type, product_id, content_id, campaign_id FROM attached`,
      [messageIds, UUID_PATTERN.source, INTERACTION_EVENT_TYPES],
    );
    return rows.map(toRef);
  }

  /** Count, first and last time of each (customer, product, type), in one grouped statement. */
  tallyProducts(refs: readonly ResolvedEventRef[]): Promise<EventTally[]> {
    return this.tally('interaction.tallyProducts', 'product_id', refs, (r) => r.productId);
  }

  /** Count, first and last time of each (customer, content item, type), likewise. */
  tallyContent(refs: readonly ResolvedEventRef[]): Promise<EventTally[]> {
    return this.tally('interaction.tallyContent', 'content_id', refs, (r) => r.contentId);
  }

  /** Count, first and last time of each (customer, campaign) touch, in one grouped statement. */
  tallyCampaigns(refs: readonly ResolvedEventRef[]): Promise<EventTally[]> {
    return this.tally('interaction.tallyCampaigns', 'campaign_id', refs, (r) => r.campaignId);
  }

  /** Every tally of one customer: per product, content item and campaign, and event type. */
  async tallyCustomer(customerId: string): Promise<Record<TargetKind, EventTally[]>> {
    const { rows } = await this.db.query<{
      target_kind: TargetKind;
      target_id: string;
      type: string;
      count: number;
      first_at: Date;
      last_at: Date;
    }>(
      /* sql */ `/* interaction.tallyCustomer */
      SELECT target_kind, target_id, type, count(*)::int AS count,
             min(occurred_at) AS first_at, max(occurred_at) AS last_at
      FROM events
      CROSS JOIN LATERAL (VALUES ('products', product_id), ('content', content_id),
                                 ('campaigns', campaign_id)) AS t(target_kind, target_id)
      WHERE customer_id = $1 AND target_id IS NOT NULL
      GROUP BY target_kind, target_id, type
      ORDER BY target_kind, type, target_id`,
      [customerId],
    );
    const tallies: Record<TargetKind, EventTally[]> = { products: [], content: [], campaigns: [] };
    for (const row of rows) {
      tallies[row.target_kind].push({
        customerId,
        targetId: row.target_id,
        type: row.type,
        count: row.count,
        firstAt: row.first_at,
        lastAt: row.last_at,
      });
    }
    return tallies;
  }

  private async tally(
    name: string,
    column: TargetColumn,
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

interface RefRow {
  customer_id: string;
  type: string;
  product_id: string | null;
  content_id: string | null;
  campaign_id: string | null;
}

function toRef(row: RefRow): ResolvedEventRef {
  return {
    customerId: row.customer_id,
    type: row.type,
    productId: row.product_id,
    contentId: row.content_id,
    campaignId: row.campaign_id,
  };
}

/**
 * The `tracked` and `resolved` CTEs: the events of $1 (message ids) that may name an item,
 * narrowed by `only`, and the item ids their references resolve to ($2: the UUID pattern, $3:
 * the interaction event types). The CASE guards the casts: a reference that is not a UUID is
 * never cast; `~*` makes the pattern case-insensitive, as the gateway's `i` flag does.
 */
function resolveRefs(only: string): string {
  return `tracked AS (
        SELECT id, type, type = 'campaign_touch' AS is_touch,
               CASE WHEN properties->>'productId' ~* $2 THEN (properties->>'productId')::uuid END AS product_uuid,
               properties->>'sku' AS sku,
               CASE WHEN properties->>'contentId' ~* $2 THEN (properties->>'contentId')::uuid END AS content_uuid,
               COALESCE(properties->>'contentExternalId', properties->>'externalId') AS content_ref,
               properties->>'campaignId' AS campaign_ref,
               CASE WHEN properties->>'campaignId' ~* $2 THEN (properties->>'campaignId')::uuid END AS campaign_uuid
        FROM events
        WHERE message_id = ANY($1::text[])
          AND (type = ANY($3::text[]) OR type = 'campaign_touch') ${only}
      ), resolved AS (
        SELECT t.id,
               CASE WHEN NOT t.is_touch THEN COALESCE(
                 (SELECT p.id FROM products p WHERE p.id = t.product_uuid),
                 (SELECT p.id FROM products p WHERE p.sku = t.sku)) END AS product_id,
               CASE WHEN NOT t.is_touch THEN COALESCE(
                 (SELECT c.id FROM content c WHERE c.id = t.content_uuid),
                 (SELECT c.id FROM content c WHERE c.external_id = t.content_ref)) END AS content_id,
               CASE WHEN t.is_touch THEN COALESCE(
                 (SELECT k.id FROM campaigns k WHERE k.id = t.campaign_uuid),
                 (SELECT k.id FROM campaigns k WHERE k.external_id = t.campaign_ref)) END AS campaign_id
        FROM tracked t
      )`;
}
