import type { Queryable } from '../../datasources/postgres.js';

/** PostgreSQL access the relationship writes need (the edges themselves live in Neo4j). */
export class RelationshipStore {
  constructor(private readonly db: Queryable) {}

  /**
   * Maps each requested id that names a customer (directly, or merged into a survivor) to the
   * customer's current id; unknown ids are absent. Locks the customers FOR SHARE, so an erasure
   * or merge of them waits until the caller's transaction has written its outbox messages and
   * is therefore relayed after them, never before.
   */
  async lockCurrentIds(ids: readonly string[]): Promise<Map<string, string>> {
    const { rows } = await this.db.query<{ requested_id: string; id: string }>(
      /* sql */ `/* relationship.lockCurrentIds */
      SELECT r.requested_id, c.id
      FROM unnest($1::uuid[]) AS r(requested_id)
      LEFT JOIN customer_merges m ON m.merged_id = r.requested_id
      JOIN customers c ON c.id = COALESCE(m.survivor_id, r.requested_id)
      ORDER BY c.id
      FOR SHARE OF c`,
      [ids],
    );
    return new Map(rows.map((row) => [row.requested_id, row.id]));
  }
}
