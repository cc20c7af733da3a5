import type { Queryable } from '../../datasources/postgres.js';
import { DIRECTED_RELATIONSHIPS, type Relationship } from './relationship.kinds.js';
import { type RelationshipPayload, RelationshipUnlinked } from './relationship.topics.js';

/** One stored relationship, as the graph holds it (see the migration for directions). */
export type RelationshipRow = RelationshipPayload;

/**
 * PostgreSQL side of customer–customer relationships: the system of record the graph is
 * projected from. Writes run in the transaction that queues their outbox message, so the
 * graph follows exactly what is stored here.
 */
export class RelationshipStore {
  constructor(private readonly db: Queryable) {}

  /** Records a link; linking again keeps the first `created_at`. */
  async link({ type, from, to }: RelationshipRow): Promise<void> {
    await this.db.query(
      /* sql */ `/* relationship.link */
      INSERT INTO customer_relationships (type, from_id, to_id) VALUES ($1, $2, $3)
      ON CONFLICT ON CONSTRAINT customer_relationships_pkey DO NOTHING`,
      [type, from, to],
    );
  }

  /** Everyone related to the customer, by any type, in either direction. */
  async relativeIdsOf(customerId: string): Promise<string[]> {
    const { rows } = await this.db.query<{ id: string }>(
      /* sql */ `/* relationship.relativeIdsOf */
      SELECT to_id AS id FROM customer_relationships WHERE from_id = $1
      UNION
      SELECT from_id FROM customer_relationships WHERE to_id = $1`,
      [customerId],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Removes a link: a directed type only from -> to, any other type in both directions (as
   * the graph's unlink does).
   */
  async unlink({ type, from, to }: RelationshipRow): Promise<void> {
    await this.db.query(
      /* sql */ `/* relationship.unlink */
      DELETE FROM customer_relationships
      WHERE type = $1
        AND ((from_id = $2 AND to_id = $3) OR (NOT $4 AND from_id = $3 AND to_id = $2))`,
      [type, from, to, DIRECTED_RELATIONSHIPS.has(type)],
    );
  }

  /**
   * Up to `limit` relationships after `after` in key order (keyset pagination), optionally
   * only those touching the given customers.
   */
  async listPage(
    after: RelationshipRow | null,
    limit: number,
    customerIds: readonly string[] | null = null,
  ): Promise<RelationshipRow[]> {
    const { rows } = await this.db.query<{ type: Relationship; from_id: string; to_id: string }>(
      /* sql */ `/* relationship.listPage */
      SELECT type, from_id, to_id FROM customer_relationships
      WHERE ($1::text IS NULL OR (type, from_id, to_id) > ($1, $2::uuid, $3::uuid))
        AND ($5::uuid[] IS NULL OR from_id = ANY($5) OR to_id = ANY($5))
      ORDER BY type, from_id, to_id
      LIMIT $4`,
      [after?.type ?? null, after?.from ?? null, after?.to ?? null, limit, customerIds],
    );
    return rows.map((row) => ({ type: row.type, from: row.from_id, to: row.to_id }));
  }

  /** How many relationships are stored (for progress). */
  async count(): Promise<number> {
    const { rows } = await this.db.query<{ count: number }>(
      `/* relationship.count */ SELECT count(*)::int AS count FROM customer_relationships`,
    );
    return rows[0]!.count;
  }

  /**
   * Of the given edges (read from the graph), those {@link backfill} would add: not stored
   * here, between customers stored here, and not waiting to be unlinked in the outbox.
   */
  async findMissing(edges: readonly RelationshipRow[]): Promise<RelationshipRow[]> {
    const { rows } = await this.db.query<{ type: Relationship; from_id: string; to_id: string }>(
      /* sql */ `/* relationship.findMissing */
      SELECT e.type, e.from_id, e.to_id
      FROM unnest($1::text[], $2::uuid[], $3::uuid[]) AS e(type, from_id, to_id)
      WHERE ${BACKFILLABLE}
        AND NOT EXISTS (
          SELECT 1 FROM customer_relationships r
          WHERE r.type = e.type AND r.from_id = e.from_id AND r.to_id = e.to_id)`,
      backfillParameters(edges),
    );
    return rows.map((row) => ({ type: row.type, from: row.from_id, to: row.to_id }));
  }

  /**
   * Stores edges found only in the graph (the one-time backfill for deployments from before
   * this table), skipping those of customers PostgreSQL no longer holds and those an unlink
   * in the outbox is about to remove from the graph.
   *
   * @returns how many were added.
   */
  async backfill(edges: readonly RelationshipRow[]): Promise<number> {
    const { rowCount } = await this.db.query(
      /* sql */ `/* relationship.backfill */
      INSERT INTO customer_relationships (type, from_id, to_id)
      SELECT e.type, e.from_id, e.to_id
      FROM unnest($1::text[], $2::uuid[], $3::uuid[]) AS e(type, from_id, to_id)
      WHERE ${BACKFILLABLE}
      ON CONFLICT ON CONSTRAINT customer_relationships_pkey DO NOTHING`,
      backfillParameters(edges),
    );
    return rowCount ?? 0;
  }
}

/*
 * A graph edge that belongs in PostgreSQL: both customers are current, and no unlink of it
 * waits in the outbox (its row is already gone; the graph edge goes when the relay applies
 * it). Undirected unlinks match either direction, as they do in the graph.
 */
const BACKFILLABLE = `e.from_id <> e.to_id
        AND EXISTS (SELECT 1 FROM customers c WHERE c.id = e.from_id)
        AND EXISTS (SELECT 1 FROM customers c WHERE c.id = e.to_id)
        AND NOT EXISTS (
          SELECT 1 FROM outbox o
          WHERE o.lane = 'main' AND o.topic = $4 AND o.payload->>'type' = e.type
            AND ((o.payload->>'from' = e.from_id::text AND o.payload->>'to' = e.to_id::text)
              OR (NOT e.type = ANY($5::text[])
                  AND o.payload->>'from' = e.to_id::text AND o.payload->>'to' = e.from_id::text)))`;

function backfillParameters(edges: readonly RelationshipRow[]): unknown[] {
  return [...columns(edges), RelationshipUnlinked.name, [...DIRECTED_RELATIONSHIPS]];
}

function columns(edges: readonly RelationshipRow[]): [string[], string[], string[]] {
  return [edges.map((e) => e.type), edges.map((e) => e.from), edges.map((e) => e.to)];
}
