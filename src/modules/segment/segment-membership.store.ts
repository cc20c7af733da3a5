import type { Queryable } from '../../datasources/postgres.js';

export interface MembershipRow {
  segmentId: string;
  customerId: string;
  since: Date;
  conditions: boolean[];
  version: number;
}

export interface Entering {
  segmentId: string;
  customerId: string;
  conditions: boolean[];
  version: number;
}

/** PostgreSQL access to segment_memberships (and the sizes kept on segments). */
export class MembershipStore {
  constructor(private readonly db: Queryable) {}

  /**
   * Serialises evaluations of the same customers across relays and instances until the
   * transaction ends, so two evaluations cannot both decide from a state the other changes.
   * Taken in id order: two evaluators never wait on each other crosswise.
   */
  async lockCustomers(ids: readonly string[]): Promise<void> {
    await this.db.query(
      `/* memberships.lockCustomers */ SELECT pg_advisory_xact_lock(hashtextextended(id::text, 360))
       FROM (SELECT DISTINCT id FROM unnest($1::uuid[]) AS t(id) ORDER BY id) ordered`,
      [ids],
    );
  }

  /**
   * Adds, removes and refreshes members in one statement, and says which were actually added
   * and removed (a concurrent evaluation may have been first). The three sets are disjoint:
   * `refreshing` records members' current condition values, to say which flipped when they
   * leave. With `resize`, the same statement also moves the segments' sizes by what it added
   * and removed plus `resize` (what earlier statements of the transaction moved), and returns
   * each of those segments' size afterwards: an evaluation's last write, so that every segment
   * row it locks is locked in one pass, in id order.
   *
   * `versions`: the rule version each segment was evaluated with. When any segment has moved
   * on since (or is gone), nothing is written and `stale` comes back true: the caller decided
   * from a rule a definition has replaced, whose full evaluation may already have passed these
   * customers.
   */
  async write(
    entering: readonly Entering[],
    exiting: readonly { segmentId: string; customerId: string }[],
    refreshing: readonly Entering[],
    since: Date,
    resize: ReadonlyMap<string, number> | null,
    versions: ReadonlyMap<string, number>,
  ): Promise<{
    entered: Set<string>;
    exited: Set<string>;
    sizes: Map<string, number>;
    stale: boolean;
  }> {
    const written = {
      entered: new Set<string>(),
      exited: new Set<string>(),
      sizes: new Map<string, number>(),
      stale: false,
    };
    if (entering.length + exiting.length + refreshing.length + (resize?.size ?? 0) === 0) {
      return written;
    }
    const { rows } = await this.db.query<{
      kind: 'entered' | 'exited' | 'size' | 'stale';
      key: string;
      size: number | null;
    }>(
      `/* memberships.write */ WITH fresh AS (
         SELECT NOT EXISTS (
           SELECT 1 FROM unnest($15::uuid[], $16::int[]) AS p(id, version)
           LEFT JOIN segments s ON s.id = p.id
           WHERE s.version IS DISTINCT FROM p.version
         ) AS ok
       ), entered AS (
         INSERT INTO segment_memberships (segment_id, customer_id, since, conditions, version)
         SELECT s, c, $3, string_to_array(v, ',')::boolean[], n
         FROM unnest($1::uuid[], $2::uuid[], $4::text[], $5::int[]) AS t(s, c, v, n)
         WHERE (SELECT ok FROM fresh)
         ON CONFLICT DO NOTHING
         RETURNING segment_id, customer_id
       ), exited AS (
         DELETE FROM segment_memberships m
         USING unnest($6::uuid[], $7::uuid[]) AS t(s, c)
         WHERE m.segment_id = t.s AND m.customer_id = t.c AND (SELECT ok FROM fresh)
         RETURNING m.segment_id, m.customer_id
       ), refreshed AS (
         UPDATE segment_memberships m
         SET conditions = string_to_array(t.v, ',')::boolean[], version = t.n
         FROM unnest($8::uuid[], $9::uuid[], $10::text[], $11::int[]) AS t(s, c, v, n)
         WHERE m.segment_id = t.s AND m.customer_id = t.c AND (SELECT ok FROM fresh)
       ), deltas AS (
         SELECT id, sum(delta)::int AS delta FROM (
           SELECT segment_id, 1 FROM entered UNION ALL SELECT segment_id, -1 FROM exited
           UNION ALL SELECT * FROM unnest($13::uuid[], $14::int[])
         ) AS moved(id, delta)
         WHERE $12 AND (SELECT ok FROM fresh)
         GROUP BY id
       ), locked AS (
         -- In id order: evaluations running side by side (an unordered outbox lane, a full
         -- build) wait for each other, never crosswise.
         SELECT s.id FROM segments s WHERE s.id IN (SELECT id FROM deltas) ORDER BY s.id FOR NO KEY UPDATE
       ), resized AS (
         UPDATE segments s SET size = s.size + d.delta
         FROM deltas d, locked l
         WHERE s.id = d.id AND l.id = d.id
         RETURNING s.id, s.size
       )
       SELECT 'entered' AS kind, segment_id::text || '/' || customer_id::text AS key, NULL::int AS size FROM entered
       UNION ALL SELECT 'exited', segment_id::text || '/' || customer_id::text, NULL FROM exited
       UNION ALL SELECT 'size', id::text, size FROM resized
       UNION ALL SELECT 'stale', NULL, NULL FROM fresh WHERE NOT ok`,
      [
        entering.map((r) => r.segmentId),
        entering.map((r) => r.customerId),
        since,
        entering.map((r) => r.conditions.join(',')),
        entering.map((r) => r.version),
        exiting.map((r) => r.segmentId),
        exiting.map((r) => r.customerId),
        refreshing.map((r) => r.segmentId),
        refreshing.map((r) => r.customerId),
        refreshing.map((r) => r.conditions.join(',')),
        refreshing.map((r) => r.version),
        resize !== null,
        [...(resize?.keys() ?? [])],
        [...(resize?.values() ?? [])],
        [...versions.keys()],
        [...versions.values()],
      ],
    );
    for (const row of rows) {
      if (row.kind === 'stale') {
        written.stale = true;
      } else if (row.kind === 'size') {
        written.sizes.set(row.key, row.size!);
      } else {
        written[row.kind].add(row.key);
      }
    }
    return written;
  }

  /** The segments a customer is in (for merges and erasures). */
  async segmentsOf(customerId: string): Promise<MembershipRow[]> {
    const { rows } = await this.db.query<MembershipRow>(
      `/* memberships.segmentsOf */ SELECT segment_id::text AS "segmentId", customer_id::text AS "customerId",
         since, conditions, version
       FROM segment_memberships WHERE customer_id = $1`,
      [customerId],
    );
    return rows;
  }
}
