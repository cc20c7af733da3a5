import type { Queryable } from '../../../datasources/postgres.js';

/** Co-purchases and keyword matches: the SQL side of product discovery. */
export class DiscoveryStore {
  constructor(private readonly db: Queryable) {}

  /**
   * Products bought by customers who bought this one, by how many of them, with the share of
   * this product's buyers that makes (confidence).
   */
  async boughtTogether(
    productId: string,
    limit: number,
  ): Promise<{ productId: string; customers: number; confidence: number }[]> {
    const { rows } = await this.db.query<{ product_id: string; customers: number; buyers: number }>(
      /* sql */ `/* discovery.boughtTogether */
      WITH buyers AS (
        SELECT DISTINCT customer_id FROM events WHERE product_id = $1 AND type = 'purchase'
      )
      SELECT e.product_id, count(DISTINCT e.customer_id)::int AS customers,
             (SELECT count(*) FROM buyers)::int AS buyers
      FROM buyers b JOIN events e ON e.customer_id = b.customer_id
      WHERE e.type = 'purchase' AND e.product_id IS NOT NULL AND e.product_id <> $1
      GROUP BY e.product_id
      ORDER BY customers DESC, e.product_id
      LIMIT $2`,
      [productId, limit],
    );
    return rows.map((row) => ({
      productId: row.product_id,
      customers: row.customers,
      confidence: row.buyers > 0 ? row.customers / row.buyers : 0,
    }));
  }

  /**
   * Products whose keywords or categories hold a term of the query (case-insensitively), or
   * whose name resembles it (trigram word similarity), best first: the keyword half of search.
   */
  async keywordMatches(
    text: string,
    terms: readonly string[],
    limit: number,
  ): Promise<{ productId: string; score: number }[]> {
    const { rows } = await this.db.query<{ id: string; score: number }>(
      /* sql */ `/* discovery.keywordMatches */
      SELECT id, (matched::float8 / greatest(cardinality($2::text[]), 1) + word_similarity($1, name))::float8 AS score
      FROM products
      CROSS JOIN LATERAL (
        SELECT count(DISTINCT lower(k))::int AS matched FROM unnest(keywords || categories) AS k
        WHERE lower(k) = ANY($2::text[])) m
      WHERE m.matched > 0 OR $1 <% name
      ORDER BY score DESC, id
      LIMIT $3`,
      [text, terms, limit],
    );
    return rows.map((row) => ({ productId: row.id, score: Number(row.score) }));
  }
}
