import type { Queryable } from '../../datasources/postgres.js';

export interface MemberRow {
  customerId: string;
  since: Date;
}

/** The reads behind Segment's fields: members, size history, a customer's segments. */
export class SegmentReadStore {
  constructor(private readonly db: Queryable) {}

  /** Members in the order they entered, after the keyset (since, customer id). */
  async members(
    segmentId: string,
    after: { since: string; customerId: string } | null,
    limit: number,
  ): Promise<MemberRow[]> {
    const { rows } = await this.db.query<MemberRow>(
      `/* segments.members */ SELECT customer_id::text AS "customerId", since FROM segment_memberships
       WHERE segment_id = $1
         AND ($2::timestamptz IS NULL OR (since, customer_id) > ($2::timestamptz, $3::uuid))
       ORDER BY since, customer_id LIMIT $4`,
      [segmentId, after?.since ?? null, after?.customerId ?? null, limit],
    );
    return rows;
  }

  /** The size at the end of each period since `since` (periods with a change only). */
  async sizeHistory(
    segmentId: string,
    bucket: 'minute' | 'hour' | 'day',
    since: Date,
  ): Promise<{ at: Date; size: number }[]> {
    const { rows } = await this.db.query<{ at: Date; size: number }>(
      `/* segments.sizeHistory */ SELECT bucket AS at, size FROM (
         SELECT date_trunc($2::text, at) AS bucket, (array_agg(size_after ORDER BY cursor DESC))[1] AS size
         FROM change_feed WHERE segment_id = $1 AND at >= $3
         GROUP BY 1 ORDER BY 1 DESC LIMIT 1000
       ) periods ORDER BY bucket`,
      [segmentId, bucket, since],
    );
    return rows;
  }

  /** Full evaluations under way, by any instance: those whose progress moved recently. */
  async buildsOf(segmentIds: readonly string[]) {
    const { rows } = await this.db.query<{
      segmentId: string;
      version: number;
      evaluated: number;
      total: number;
    }>(
      `/* segments.buildsOf */ SELECT segment_id::text AS "segmentId", version, evaluated, total
       FROM segment_builds
       WHERE segment_id = ANY($1::uuid[]) AND updated_at > now() - interval '2 minutes'`,
      [segmentIds],
    );
    return rows;
  }

  async membershipsOf(customerIds: readonly string[]) {
    const { rows } = await this.db.query<{ customerId: string; segmentId: string; since: Date }>(
      `/* segments.membershipsOf */ SELECT customer_id::text AS "customerId", segment_id::text AS "segmentId", since
       FROM segment_memberships WHERE customer_id = ANY($1::uuid[]) ORDER BY since, segment_id`,
      [customerIds],
    );
    return rows;
  }
}
