import type { Queryable } from '../../datasources/postgres.js';
import { INTERACTION_WEIGHTS, RECENCY_DECAY_DAYS } from './interaction.kinds.js';
import type { CustomerKeyword, KeywordSource } from './customer-keywords.type.js';

/**
 * The weight of a keyword the profile declares: as strong as a purchase, and not decayed, as
 * the customer keeps it current (a new upsert replaces it).
 */
export const PROFILE_KEYWORD_WEIGHT = 5;

/**
 * PostgreSQL access for the keywords that describe customers: those their profiles declare
 * (customers.interest_keywords) and those of the products and content they viewed and bought
 * (the items' keywords, through the ids the interaction follower stored on their events).
 */
export class CustomerKeywordStore {
  constructor(private readonly db: Queryable) {}

  /**
   * Each customer's `first` strongest keywords per the weights of {@link CustomerKeyword},
   * heaviest first (ties by keyword, then source), one row per (keyword, source), in one
   * statement for every customer. Keywords are read from the items as they are now, so a
   * product's new keywords apply to its past views too. A customer who withdrew
   * personalization consent gets none: keywords exist to personalise.
   */
  async listByCustomerIds(
    customerIds: readonly string[],
    first: number,
  ): Promise<CustomerKeyword[]> {
    const { rows } = await this.db.query<{
      customer_id: string;
      keyword: string;
      source: KeywordSource;
      weight: number;
    }>(
      /* sql */ `/* customerKeywords.listByCustomerIds */
      WITH subjects AS (
        SELECT c.id, c.interest_keywords FROM customers c
        WHERE c.id = ANY($1::uuid[])
          AND NOT EXISTS (SELECT 1 FROM customer_consents k WHERE k.customer_id = c.id
                            AND k.purpose = 'personalization' AND NOT k.granted)
      ), declared AS (
        SELECT s.id AS customer_id, k AS keyword, 'PROFILE' AS source, $3::float8 AS weight
        FROM subjects s CROSS JOIN LATERAL unnest(s.interest_keywords) AS k
      ), behaved AS (
        SELECT e.customer_id, kw.keyword,
               CASE e.type WHEN 'purchase' THEN 'PURCHASED' ELSE 'VIEWED' END AS source,
               sum(CASE e.type WHEN 'purchase' THEN $4::float8 ELSE $5::float8 END
                   * exp(-greatest(extract(epoch FROM now() - e.occurred_at), 0) / 86400.0 / $6::float8)
               ) AS weight
        FROM subjects s
        JOIN events e ON e.customer_id = s.id
        LEFT JOIN products p ON p.id = e.product_id
        LEFT JOIN content ct ON ct.id = e.content_id
        CROSS JOIN LATERAL (
          SELECT DISTINCT k AS keyword
          FROM unnest(COALESCE(p.keywords, '{}') || COALESCE(ct.keywords, '{}')) AS k
        ) kw
        WHERE e.type IN ('view', 'purchase')
          AND (e.product_id IS NOT NULL OR e.content_id IS NOT NULL)
        GROUP BY e.customer_id, kw.keyword, 3
      ), ranked AS (
        SELECT *, row_number() OVER (
                    PARTITION BY customer_id ORDER BY weight DESC, keyword, source) AS rank
        FROM (SELECT * FROM declared UNION ALL SELECT * FROM behaved) AS every_keyword
      )
      SELECT customer_id, keyword, source, weight FROM ranked
      WHERE rank <= $2
      ORDER BY customer_id, rank`,
      [
        customerIds,
        first,
        PROFILE_KEYWORD_WEIGHT,
        INTERACTION_WEIGHTS.purchase,
        INTERACTION_WEIGHTS.view,
        RECENCY_DECAY_DAYS,
      ],
    );
    return rows.map((row) => ({
      customerId: row.customer_id,
      keyword: row.keyword,
      source: row.source,
      weight: Number(row.weight),
    }));
  }
}
