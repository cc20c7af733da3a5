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
}
