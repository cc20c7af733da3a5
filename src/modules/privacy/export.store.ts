import type { Queryable } from '../../datasources/postgres.js';

/** PostgreSQL reads that only a data-subject export needs (everything, unpaginated). */
export class ExportStore {
  constructor(private readonly db: Queryable) {}

  async listEvents(customerId: string): Promise<Record<string, unknown>[]> {
    const { rows } = await this.db.query(
      /* sql */ `/* export.listEvents */
      SELECT message_id AS "messageId", type, name, properties, occurred_at AS "occurredAt", received_at AS "receivedAt",
             session_id AS "sessionId", channel,
             product_id AS "productId", content_id AS "contentId", campaign_id AS "campaignId"
      FROM events WHERE customer_id = $1 ORDER BY occurred_at, id`,
      [customerId],
    );
    return rows;
  }

  async findEmbedding(customerId: string): Promise<Record<string, unknown> | null> {
    const { rows } = await this.db.query(
      /* sql */ `/* export.findEmbedding */
      SELECT model, embedding::text AS vector, updated_at AS "updatedAt" FROM customer_embeddings WHERE customer_id = $1`,
      [customerId],
    );
    return rows[0] ?? null;
  }

  /**
   * Every relationship of the customer, of any type, as seen from their side: PostgreSQL holds
   * them (customer_relationships; the graph is projected from it). Ordered by type, then the
   * other customer's id, by code point ("C") as Neo4j orders strings, which earlier exports
   * were read from.
   */
  async listRelationships(
    customerId: string,
  ): Promise<{ type: string; direction: 'out' | 'in'; otherId: string }[]> {
    const { rows } = await this.db.query<{
      type: string;
      direction: 'out' | 'in';
      otherId: string;
    }>(
      /* sql */ `/* export.listRelationships */
      SELECT type, CASE WHEN from_id = $1 THEN 'out' ELSE 'in' END AS direction,
             CASE WHEN from_id = $1 THEN to_id ELSE from_id END AS "otherId"
      FROM customer_relationships WHERE from_id = $1 OR to_id = $1
      ORDER BY type COLLATE "C", "otherId"`,
      [customerId],
    );
    return rows;
  }
}
