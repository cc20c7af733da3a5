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

  async current(
    segmentIds: readonly string[],
    customerIds: readonly string[],
  ): Promise<MembershipRow[]> {
    const { rows } = await this.db.query<MembershipRow>(
      `/* memberships.current */ SELECT segment_id::text AS "segmentId", customer_id::text AS "customerId",
         since, conditions, version
       FROM segment_memberships WHERE segment_id = ANY($1::uuid[]) AND customer_id = ANY($2::uuid[])`,
      [segmentIds, customerIds],
    );
    return rows;
  }

  /**
   * Adds, removes and refreshes members in one statement, and says which were actually added
   * and removed (a concurrent evaluation may have been first). The three sets are disjoint:
   * `refreshing` records members' current condition values, to say which flipped when they
   * leave.
   */
  async write(
    entering: readonly Entering[],
    exiting: readonly { segmentId: string; customerId: string }[],
    refreshing: readonly Entering[],
    since: Date,
  ): Promise<{ entered: Set<string>; exited: Set<string> }> {
    if (entering.length + exiting.length + refreshing.length === 0) {
      return { entered: new Set(), exited: new Set() };
    }
    const { rows } = await this.db.query<{ entered: boolean; key: string }>(
      `/* memberships.write */ WITH entered AS (
         INSERT INTO segment_memberships (segment_id, customer_id, since, conditions, version)
         SELECT s, c, $3, string_to_array(v, ',')::boolean[], n
         FROM unnest($1::uuid[], $2::uuid[], $4::text[], $5::int[]) AS t(s, c, v, n)
         ON CONFLICT DO NOTHING
         RETURNING segment_id::text || '/' || customer_id::text AS key
       ), exited AS (
         DELETE FROM segment_memberships m
         USING unnest($6::uuid[], $7::uuid[]) AS t(s, c)
         WHERE m.segment_id = t.s AND m.customer_id = t.c
         RETURNING m.segment_id::text || '/' || m.customer_id::text AS key
       ), refreshed AS (
         UPDATE segment_memberships m
         SET conditions = string_to_array(t.v, ',')::boolean[], version = t.n
         FROM unnest($8::uuid[], $9::uuid[], $10::text[], $11::int[]) AS t(s, c, v, n)
         WHERE m.segment_id = t.s AND m.customer_id = t.c
       )
       SELECT true AS entered, key FROM entered UNION ALL SELECT false, key FROM exited`,
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
      ],
    );
    return {
      entered: new Set(rows.filter((r) => r.entered).map((r) => r.key)),
      exited: new Set(rows.filter((r) => !r.entered).map((r) => r.key)),
    };
  }

  /** Moves sizes by the deltas; returns each segment's size afterwards. */
  async resize(deltas: ReadonlyMap<string, number>): Promise<Map<string, number>> {
    if (deltas.size === 0) {
      return new Map();
    }
    const { rows } = await this.db.query<{ id: string; size: number }>(
      // The rows are locked in id order first: evaluations running side by side (an
      // unordered outbox lane, a full build) wait for each other, never crosswise.
      `/* segments.resize */ WITH locked AS (
         SELECT s.id FROM segments s WHERE s.id = ANY($1::uuid[]) ORDER BY s.id FOR NO KEY UPDATE
       )
       UPDATE segments s SET size = s.size + d.delta
       FROM unnest($1::uuid[], $2::int[]) AS d(id, delta), locked l
       WHERE s.id = d.id AND l.id = d.id
       RETURNING s.id::text AS id, s.size`,
      [[...deltas.keys()], [...deltas.values()]],
    );
    return new Map(rows.map((r) => [r.id, r.size]));
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
