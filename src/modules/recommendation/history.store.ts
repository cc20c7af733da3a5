import type { Queryable } from '../../datasources/postgres.js';
import { INTERACTION_WEIGHTS } from '../interaction/interaction.kinds.js';
import type { ItemKind } from './recommendation.kinds.js';

/** What one customer did with one item, summed over their events of one type. */
export interface HistoryEntry {
  itemId: string;
  itemKind: ItemKind;
  type: string;
  count: number;
  lastAt: Date;
  /** Σ exp(−age in days / 30) over those events: recent events count more. */
  decayed: number;
}

/** What the ranking needs to know of a catalogue item. */
export interface ItemFacts {
  id: string;
  kind: ItemKind;
  name: string;
  categories: string[];
  keywords: string[];
  inStock: boolean;
  /** Bought again and again (groceries, consumables): stays recommendable after a purchase. */
  repeatable: boolean;
}

/** A positive (customer, item) pair for fitting the collaborative model. */
export interface PositivePair {
  userId: string;
  itemId: string;
  weight: number;
}

/** The most events of one customer the history reads: bounds the cost of any customer. */
const HISTORY_EVENTS = 1_000;

/** The weights as a VALUES list; the types and numbers are constants, never input. */
const WEIGHTS_SQL = Object.entries(INTERACTION_WEIGHTS)
  .map(([type, weight]) => `('${type}', ${Number(weight)}::float8)`)
  .join(', ');

const ITEM_OF_EVENT = `COALESCE(product_id, content_id)`;
const KIND_OF_EVENT = `CASE WHEN product_id IS NOT NULL THEN 'product' ELSE 'content' END`;

/**
 * PostgreSQL reads of the recommendation module: customers' interaction histories, the facts
 * of catalogue items, popularity and the positives that train the collaborative model.
 */
export class HistoryStore {
  constructor(private readonly db: Queryable) {}

  /** Each customer's latest interactions with catalogue items, grouped by item and type. */
  async histories(customerIds: readonly string[]): Promise<Map<string, HistoryEntry[]>> {
    const rows = await this.historyRows(
      'recommendation.histories',
      `FROM unnest($1::uuid[]) AS c(id) CROSS JOIN LATERAL (
         SELECT c.id AS customer_id, ${ITEM_OF_EVENT} AS item_id, ${KIND_OF_EVENT} AS item_kind, type, occurred_at
         FROM events
         WHERE customer_id = c.id AND (product_id IS NOT NULL OR content_id IS NOT NULL)
         ORDER BY occurred_at DESC
         LIMIT ${HISTORY_EVENTS}) latest`,
      [customerIds],
    );
    const byCustomer = new Map<string, HistoryEntry[]>(customerIds.map((id) => [id, []]));
    for (const { customerId, entry } of rows) {
      byCustomer.get(customerId)?.push(entry);
    }
    return byCustomer;
  }

  /** The customer's interactions within one session (the SESSION surface). */
  async sessionHistory(customerId: string, sessionId: string): Promise<HistoryEntry[]> {
    const rows = await this.historyRows(
      'recommendation.sessionHistory',
      `FROM (
         SELECT customer_id, ${ITEM_OF_EVENT} AS item_id, ${KIND_OF_EVENT} AS item_kind, type, occurred_at
         FROM events
         WHERE customer_id = $1 AND session_id = $2 AND (product_id IS NOT NULL OR content_id IS NOT NULL)
         ORDER BY occurred_at DESC
         LIMIT ${HISTORY_EVENTS}) latest`,
      [customerId, sessionId],
    );
    return rows.map((row) => row.entry);
  }

  private async historyRows(
    name: string,
    from: string,
    params: readonly unknown[],
  ): Promise<{ customerId: string; entry: HistoryEntry }[]> {
    const { rows } = await this.db.query<{
      customer_id: string;
      item_id: string;
      item_kind: ItemKind;
      type: string;
      count: number;
      last_at: Date;
      decayed: number;
    }>(
      /* sql */ `/* ${name} */
      SELECT customer_id, item_id, item_kind, type, count(*)::int AS count, max(occurred_at) AS last_at,
             sum(exp(-greatest(extract(epoch FROM now() - occurred_at), 0) / 2592000.0))::float8 AS decayed
      ${from}
      GROUP BY customer_id, item_id, item_kind, type`,
      [...params],
    );
    return rows.map((row) => ({
      customerId: row.customer_id,
      entry: {
        itemId: row.item_id,
        itemKind: row.item_kind,
        type: row.type,
        count: row.count,
        lastAt: row.last_at,
        decayed: Number(row.decayed),
      },
    }));
  }

  /** Which of these customers withdrew personalization (the default is granted). */
  async personalizationWithdrawn(customerIds: readonly string[]): Promise<Set<string>> {
    const { rows } = await this.db.query<{ customer_id: string }>(
      /* sql */ `/* recommendation.personalizationWithdrawn */
      SELECT customer_id FROM customer_consents
      WHERE customer_id = ANY($1::uuid[]) AND purpose = 'personalization' AND NOT granted`,
      [customerIds],
    );
    return new Set(rows.map((row) => row.customer_id));
  }

  /** Whether fewer than `limit` events name a catalogue item (reads at most `limit` rows). */
  async fewInteractions(limit: number): Promise<boolean> {
    const { rows } = await this.db.query<{ n: number }>(
      /* sql */ `/* recommendation.fewInteractions */
      SELECT count(*)::int AS n FROM (
        SELECT 1 FROM events WHERE product_id IS NOT NULL OR content_id IS NOT NULL LIMIT $1) found`,
      [limit],
    );
    return rows[0]!.n < limit;
  }

  /** Facts of the given products and content items; unknown ids are left out. */
  async items(ids: readonly string[]): Promise<Map<string, ItemFacts>> {
    if (ids.length === 0) {
      return new Map();
    }
    const { rows } = await this.db.query<ItemFacts>(
      /* sql */ `/* recommendation.items */
      SELECT id, 'product' AS kind, name, categories, keywords, in_stock AS "inStock",
             coalesce(attributes->'repeatable' = 'true'::jsonb, false) AS repeatable
      FROM products WHERE id = ANY($1::uuid[])
      UNION ALL
      SELECT id, 'content', title, categories, keywords, true, true
      FROM content WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(rows.map((row) => [row.id, row]));
  }

  /**
   * Items by how many distinct customers interacted positively with them since `since`
   * (null: ever), most popular first.
   */
  async popular(options: {
    kind: ItemKind;
    since: Date | null;
    category: string | null;
    limit: number;
  }): Promise<{ itemId: string; customers: number }[]> {
    const catalog = options.kind === 'product' ? 'products' : 'content';
    const column = options.kind === 'product' ? 'product_id' : 'content_id';
    const { rows } = await this.db.query<{ item_id: string; customers: number }>(
      /* sql */ `/* recommendation.popular */
      SELECT e.${column} AS item_id, count(DISTINCT e.customer_id)::int AS customers
      FROM events e
      JOIN (VALUES ${WEIGHTS_SQL}) AS w(type, weight) ON w.type = e.type AND w.weight > 0
      WHERE e.${column} IS NOT NULL
        AND ($1::timestamptz IS NULL OR e.occurred_at >= $1)
        AND ($2::text IS NULL OR EXISTS (
          SELECT 1 FROM ${catalog} i WHERE i.id = e.${column} AND $2 = ANY(i.categories)))
      GROUP BY e.${column}
      ORDER BY customers DESC, item_id
      LIMIT $3`,
      [options.since, options.category, options.limit],
    );
    return rows.map((row) => ({ itemId: row.item_id, customers: row.customers }));
  }

  /**
   * Items by distinct customers with a positive interaction in the last 400 days, counting
   * only events at the given hours of the day (UTC) in the given months: what people choose
   * at this time of day in this season.
   */
  async popularAt(options: {
    kind: ItemKind;
    hours: readonly number[];
    months: readonly number[];
    limit: number;
  }): Promise<{ itemId: string; customers: number }[]> {
    const column = options.kind === 'product' ? 'product_id' : 'content_id';
    const { rows } = await this.db.query<{ item_id: string; customers: number }>(
      /* sql */ `/* recommendation.popularAt */
      SELECT e.${column} AS item_id, count(DISTINCT e.customer_id)::int AS customers
      FROM events e
      JOIN (VALUES ${WEIGHTS_SQL}) AS w(type, weight) ON w.type = e.type AND w.weight > 0
      WHERE e.${column} IS NOT NULL AND e.occurred_at >= now() - interval '400 days'
        AND extract(hour FROM e.occurred_at AT TIME ZONE 'UTC')::int = ANY($1::int[])
        AND extract(month FROM e.occurred_at AT TIME ZONE 'UTC')::int = ANY($2::int[])
      GROUP BY e.${column}
      ORDER BY customers DESC, item_id
      LIMIT $3`,
      [options.hours, options.months, options.limit],
    );
    return rows.map((row) => ({ itemId: row.item_id, customers: row.customers }));
  }

  /**
   * Every (customer, item) pair whose interactions sum to a positive weight: the training
   * data of the collaborative model. One pass over the events table.
   */
  async positives(): Promise<PositivePair[]> {
    const { rows } = await this.db.query<{
      user_id: string;
      item_id: string;
      weight: number;
    }>(/* sql */ `/* recommendation.positives */
      SELECT e.customer_id AS user_id, ${ITEM_OF_EVENT} AS item_id, sum(w.weight)::float8 AS weight
      FROM events e JOIN (VALUES ${WEIGHTS_SQL}) AS w(type, weight) ON w.type = e.type
      WHERE e.product_id IS NOT NULL OR e.content_id IS NOT NULL
      GROUP BY 1, 2
      HAVING sum(w.weight) > 0`);
    return rows.map((row) => ({
      userId: row.user_id,
      itemId: row.item_id,
      weight: Number(row.weight),
    }));
  }

  /** Every catalogue item's text fields, for fitting the text model and embedding items. */
  async catalogue(): Promise<
    Pick<ItemFacts, 'id' | 'kind' | 'name' | 'categories' | 'keywords'>[]
  > {
    const { rows } = await this.db.query<
      Pick<ItemFacts, 'id' | 'kind' | 'name' | 'categories' | 'keywords'>
    >(/* sql */ `/* recommendation.catalogue */
      SELECT id, 'product' AS kind, name, categories, keywords FROM products
      UNION ALL
      SELECT id, 'content', title, categories, keywords FROM content
      ORDER BY 1`);
    return rows;
  }

  /** Interest keywords of each given customer (profile keywords and `traits.interests`). */
  async interests(customerIds: readonly string[]): Promise<Map<string, string[]>> {
    const { rows } = await this.db.query<{ id: string; interests: string[] }>(
      /* sql */ `/* recommendation.interests */
      SELECT id, interest_keywords || coalesce(
        ARRAY(SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof(traits->'interests') = 'array'
                                                    THEN traits->'interests' END)), '{}') AS interests
      FROM customers WHERE id = ANY($1::uuid[])`,
      [customerIds],
    );
    return new Map(rows.map((row) => [row.id, row.interests]));
  }
}
