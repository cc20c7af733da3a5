import type { Queryable } from '../../datasources/postgres.js';
import type { CampaignUpsertedPayload } from '../catalog/catalog.topics.js';
import type { ContentUpsertedPayload, ProductUpsertedPayload } from '../catalog/catalog.topics.js';
import { INTERACTION_EVENT_TYPES } from '../interaction/interaction.kinds.js';

/** How many rows each projected kind has, for progress. */
export interface SourceCounts {
  customers: number;
  products: number;
  content: number;
  campaigns: number;
  relationships: number;
  targeting: number;
  interactions: number;
}

/**
 * The PostgreSQL rows the graph is projected from, read in keyset chunks with the payloads
 * their outbox topics carry. Catalog rows are read whole; customer-owned rows can be limited
 * to some customers (`customerIds`), for re-projecting a neighbourhood.
 */
export class GraphSourceStore {
  constructor(private readonly db: Queryable) {}

  async counts(): Promise<SourceCounts> {
    const { rows } = await this.db.query<SourceCounts>(
      /* sql */ `/* graphSource.counts */
      SELECT (SELECT count(*) FROM customers)::int AS customers,
             (SELECT count(*) FROM products)::int AS products,
             (SELECT count(*) FROM content)::int AS content,
             (SELECT count(*) FROM campaigns)::int AS campaigns,
             (SELECT count(*) FROM customer_relationships)::int AS relationships,
             (SELECT count(*) FROM campaign_targets)::int AS targeting,
             (SELECT count(*) FROM events
              WHERE type = ANY($1::text[]) OR type = 'campaign_touch')::int AS interactions`,
      [INTERACTION_EVENT_TYPES],
    );
    return rows[0]!;
  }

  async customers(
    afterId: string | null,
    limit: number,
    customerIds: readonly string[] | null = null,
  ): Promise<{ id: string; displayName: string }[]> {
    const { rows } = await this.db.query<{ id: string; display_name: string }>(
      /* sql */ `/* graphSource.customers */
      SELECT id, display_name FROM customers
      WHERE ($1::uuid IS NULL OR id > $1) AND ($3::uuid[] IS NULL OR id = ANY($3))
      ORDER BY id LIMIT $2`,
      [afterId, limit, customerIds],
    );
    return rows.map((row) => ({ id: row.id, displayName: row.display_name }));
  }

  async products(afterId: string | null, limit: number): Promise<ProductUpsertedPayload[]> {
    const { rows } = await this.db.query<ProductUpsertedPayload>(
      /* sql */ `/* graphSource.products */
      SELECT id, sku, name, categories FROM products
      WHERE $1::uuid IS NULL OR id > $1 ORDER BY id LIMIT $2`,
      [afterId, limit],
    );
    return rows;
  }

  async content(afterId: string | null, limit: number): Promise<ContentUpsertedPayload[]> {
    const { rows } = await this.db.query<ContentUpsertedPayload>(
      /* sql */ `/* graphSource.content */
      SELECT id, title, categories FROM content
      WHERE $1::uuid IS NULL OR id > $1 ORDER BY id LIMIT $2`,
      [afterId, limit],
    );
    return rows;
  }

  async campaigns(afterId: string | null, limit: number): Promise<CampaignUpsertedPayload[]> {
    const { rows } = await this.db.query<CampaignUpsertedPayload>(
      /* sql */ `/* graphSource.campaigns */
      SELECT id, name FROM campaigns WHERE $1::uuid IS NULL OR id > $1 ORDER BY id LIMIT $2`,
      [afterId, limit],
    );
    return rows;
  }

  /** Message ids of events the interaction module projects (catalog and campaign touches). */
  async interactionEvents(
    afterId: number,
    limit: number,
    customerIds: readonly string[] | null = null,
  ): Promise<{ id: number; messageId: string }[]> {
    const { rows } = await this.db.query<{ id: string; message_id: string }>(
      /* sql */ `/* graphSource.interactionEvents */
      SELECT id, message_id FROM events
      WHERE id > $1 AND (type = ANY($3::text[]) OR type = 'campaign_touch')
        AND ($4::uuid[] IS NULL OR customer_id = ANY($4))
      ORDER BY id LIMIT $2`,
      [afterId, limit, INTERACTION_EVENT_TYPES, customerIds],
    );
    return rows.map((row) => ({ id: Number(row.id), messageId: row.message_id }));
  }

  /** The newest outbox message now: anything after it is a write made during the rebuild. */
  async outboxPosition(): Promise<number> {
    const { rows } = await this.db.query<{ id: string | null }>(
      `/* graphSource.outboxPosition */ SELECT max(id) AS id FROM outbox`,
    );
    return Number(rows[0]?.id ?? 0);
  }

  /**
   * Sessions of other c360 processes on this database (gateways, CLI commands; each names
   * itself `c360@host:pid`): a rebuild beside a running relay may be undone by it
   * (docs/graph-rebuild.md).
   */
  async otherSessions(): Promise<number> {
    const { rows } = await this.db.query<{
      count: number;
    }>(/* sql */ `/* graphSource.otherSessions */
      SELECT count(*)::int AS count FROM pg_stat_activity
      WHERE datname = current_database() AND application_name LIKE 'c360@%'
        AND application_name <> current_setting('application_name')`);
    return rows[0]!.count;
  }
}
