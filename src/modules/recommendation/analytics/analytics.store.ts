import type { Queryable } from '../../../datasources/postgres.js';

/** A half-open window of impression times: [since, until). */
export interface AnalyticsWindow {
  since: Date;
  until: Date;
}

/** How long after an answer a purchase carrying its request id is attributed to it. */
export const ATTRIBUTION_DAYS = 7;

export interface CountRow {
  productId: string;
  count: number;
}

/** Answers of one surface or variant at each stage of the funnel. */
export interface FunnelRow {
  key: string;
  impressions: number;
  /** Answers with a recommendation_view event. */
  viewEvents: number;
  /** Answers viewed or clicked (a click implies the answer was seen). */
  views: number;
  clicks: number;
  /** Clicked answers with an attributed purchase. */
  purchases: number;
}

/**
 * The events attribution reads; the same list as the partial index
 * events_recommendation_request_id_idx, which the planner only uses when it sees it.
 */
const ATTRIBUTED_TYPES = `('recommendation_view', 'recommendation_click', 'purchase')`;
const WITHIN_ATTRIBUTION = `e.occurred_at >= i.created_at
  AND e.occurred_at < i.created_at + make_interval(days => ${ATTRIBUTION_DAYS})`;

/**
 * Reports over recommendation_impressions and the events carrying their request ids. Every
 * count is of answers (request ids), so an answer is viewed, clicked or converted at most
 * once and each stage is a share of the one before.
 */
export class AnalyticsStore {
  constructor(private readonly db: Queryable) {}

  /** Products by the answers that recommended them. */
  async topRecommended(window: AnalyticsWindow, first: number): Promise<CountRow[]> {
    const { rows } = await this.db.query<{ product_id: string; count: number }>(
      /* sql */ `/* analytics.topRecommended */
      SELECT p.id AS product_id, count(*)::int AS count
      FROM recommendation_impressions i
      CROSS JOIN LATERAL unnest(i.item_ids) AS item(id)
      JOIN products p ON p.id = item.id
      WHERE i.created_at >= $1 AND i.created_at < $2
      GROUP BY p.id
      ORDER BY count DESC, p.id
      LIMIT $3`,
      [window.since, window.until, first],
    );
    return rows.map(toCountRow);
  }

  /** Products by the answers in which a recommendation_view event named them. */
  topViewed(window: AnalyticsWindow, first: number): Promise<CountRow[]> {
    return this.topByEvent('analytics.topViewed', 'recommendation_view', 'TRUE', window, first);
  }

  /** Products by the answers to which a purchase of them was attributed. */
  topPurchased(window: AnalyticsWindow, first: number): Promise<CountRow[]> {
    return this.topByEvent('analytics.topPurchased', 'purchase', WITHIN_ATTRIBUTION, window, first);
  }

  /** The funnel per surface (`surface`) or per experiment variant (`variant`). */
  async funnel(window: AnalyticsWindow, by: 'surface' | 'variant'): Promise<FunnelRow[]> {
    const column = by === 'surface' ? 'surface' : 'variant';
    const name = by === 'surface' ? 'analytics.funnelBySurface' : 'analytics.funnelByVariant';
    const { rows } = await this.db.query<{
      key: string;
      impressions: number;
      view_events: number;
      views: number;
      clicks: number;
      purchases: number;
    }>(
      /* sql */ `/* ${name} */
      WITH shown AS (
        SELECT request_id, ${column} AS key, created_at
        FROM recommendation_impressions
        WHERE created_at >= $1 AND created_at < $2
      ), acted AS (
        SELECT i.request_id,
               bool_or(e.type = 'recommendation_view') AS viewed,
               bool_or(e.type = 'recommendation_click') AS clicked,
               bool_or(e.type = 'purchase' AND ${WITHIN_ATTRIBUTION}) AS purchased
        FROM shown i
        JOIN events e ON e.properties->>'requestId' = i.request_id::text
          AND e.type IN ${ATTRIBUTED_TYPES}
        GROUP BY i.request_id
      )
      SELECT s.key,
             count(*)::int AS impressions,
             count(*) FILTER (WHERE a.viewed)::int AS view_events,
             count(*) FILTER (WHERE a.viewed OR a.clicked)::int AS views,
             count(*) FILTER (WHERE a.clicked)::int AS clicks,
             count(*) FILTER (WHERE a.clicked AND a.purchased)::int AS purchases
      FROM shown s
      LEFT JOIN acted a ON a.request_id = s.request_id
      GROUP BY s.key
      ORDER BY s.key`,
      [window.since, window.until],
    );
    return rows.map((row) => ({
      key: row.key,
      impressions: row.impressions,
      viewEvents: row.view_events,
      views: row.views,
      clicks: row.clicks,
      purchases: row.purchases,
    }));
  }

  private async topByEvent(
    name: string,
    type: string,
    condition: string,
    window: AnalyticsWindow,
    first: number,
  ): Promise<CountRow[]> {
    const { rows } = await this.db.query<{ product_id: string; count: number }>(
      /* sql */ `/* ${name} */
      SELECT e.product_id, count(DISTINCT i.request_id)::int AS count
      FROM recommendation_impressions i
      JOIN events e ON e.properties->>'requestId' = i.request_id::text
        AND e.type IN ${ATTRIBUTED_TYPES}
      WHERE i.created_at >= $1 AND i.created_at < $2
        AND e.type = $3 AND e.product_id IS NOT NULL AND ${condition}
      GROUP BY e.product_id
      ORDER BY count DESC, e.product_id
      LIMIT $4`,
      [window.since, window.until, type, first],
    );
    return rows.map(toCountRow);
  }
}

const toCountRow = (row: { product_id: string; count: number }): CountRow => ({
  productId: row.product_id,
  count: row.count,
});
