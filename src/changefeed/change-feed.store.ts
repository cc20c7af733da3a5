import type { Queryable } from '../datasources/postgres.js';

/** Which of the feed's streams an entry belongs to. */
export type FeedStream = 'segment' | 'customer';

/** An entry as a writer hands it over, inside the transaction of the change it records. */
export interface NewFeedEntry {
  stream: FeedStream;
  /** Set on the segment stream only. */
  segmentId?: string | null;
  customerId: string;
  /** ENTERED / EXITED on the segment stream; what changed (PROFILE, EVENTS...) on the other. */
  change: string;
  sizeAfter?: number | null;
  reason?: unknown;
}

/** An entry as stored: its cursor orders it among every other. */
export interface FeedEntry {
  /** A decimal string: bigint cursors do not fit a GraphQL Int, nor always a JS number. */
  cursor: string;
  stream: FeedStream;
  segmentId: string | null;
  customerId: string;
  change: string;
  sizeAfter: number | null;
  reason: unknown;
  at: Date;
}

/** Which entries a reader wants; every part that is set must match. */
export interface FeedFilter {
  stream: FeedStream;
  segmentIds?: readonly string[] | null;
  customerId?: string | null;
}

interface FeedRow {
  cursor: string;
  stream: FeedStream;
  segment_id: string | null;
  customer_id: string;
  change: string;
  size_after: number | null;
  reason: unknown;
  at: Date;
}

/** Every stream, in the order writers lock them. */
export const FEED_STREAMS: readonly FeedStream[] = ['customer', 'segment'];

// Any constant works; it only has to be the same for every writer of the feed. Releases before
// per-stream locks took it exclusively around every append; it is now taken shared, so writers
// of those releases (during a rolling upgrade) still exclude, and are excluded by, every writer.
const APPEND_LOCK = 0x63_33_36_30; // "c360"

/** PostgreSQL access to the `change_feed` table. */
export class ChangeFeedStore {
  constructor(private readonly db: Queryable) {}

  /**
   * Appends entries; call inside the transaction of the change they record. Each stream the
   * entries belong to is locked (transaction-scoped) in the same statement, before any cursor is
   * drawn, and stays locked until that transaction ends: a stream's cursors are committed in the
   * order they are taken, so a reader that saw cursor N of a stream never later finds a smaller
   * one of it appear. Streams do not wait for each other (a large batch of customer entries does
   * not hold up a segment entry). Append last in the transaction: the lock serialises the
   * stream's writers from here to the commit.
   */
  async append(entries: readonly NewFeedEntry[]): Promise<FeedEntry[]> {
    if (entries.length === 0) {
      return [];
    }
    const streams = FEED_STREAMS.filter((stream) => entries.some((e) => e.stream === stream));
    const { rows } = await this.db.query<FeedRow>(
      /* sql */ `/* changeFeed.append */
      WITH locks AS MATERIALIZED (
        SELECT pg_advisory_xact_lock_shared(${APPEND_LOCK}),
          pg_advisory_xact_lock(${APPEND_LOCK}, hashtext(l.s))
        FROM unnest($7::text[]) WITH ORDINALITY AS l(s, n) ORDER BY l.n
      )
      INSERT INTO change_feed (stream, segment_id, customer_id, change, size_after, reason)
      SELECT e.stream, e.segment_id, e.customer_id, e.change, e.size_after, e.reason
      -- Joined with every lock taken: no row (so no cursor) comes out before they are held.
      FROM (SELECT count(*) FROM locks) held, unnest($1::text[], $2::uuid[], $3::uuid[], $4::text[], $5::int[], $6::jsonb[])
        WITH ORDINALITY AS e(stream, segment_id, customer_id, change, size_after, reason, n)
      ORDER BY e.n
      RETURNING cursor::text, stream, segment_id, customer_id, change, size_after, reason, at`,
      [
        entries.map((e) => e.stream),
        entries.map((e) => e.segmentId ?? null),
        entries.map((e) => e.customerId),
        entries.map((e) => e.change),
        entries.map((e) => e.sizeAfter ?? null),
        entries.map((e) => (e.reason === undefined ? null : JSON.stringify(e.reason))),
        streams,
      ],
    );
    return rows.map(toEntry).sort(byCursor);
  }

  /** Entries after `cursor` matching `filter`, oldest first. */
  async readAfter(cursor: string, filter: FeedFilter | null, limit: number): Promise<FeedEntry[]> {
    const { rows } = await this.db.query<FeedRow>(
      /* sql */ `/* changeFeed.readAfter */
      SELECT cursor::text, stream, segment_id, customer_id, change, size_after, reason, at
      FROM change_feed
      WHERE cursor > $1::bigint
        AND ($2::text IS NULL OR stream = $2)
        AND ($3::uuid[] IS NULL OR segment_id = ANY($3))
        AND ($4::uuid IS NULL OR customer_id = $4)
      -- Qualified: bare, cursor names the text output column, which sorts "10" before "2".
      ORDER BY change_feed.cursor
      LIMIT $5`,
      [
        cursor,
        filter?.stream ?? null,
        filter?.segmentIds ?? null,
        filter?.customerId ?? null,
        limit,
      ],
    );
    return rows.map(toEntry);
  }

  /**
   * Entries before `cursor` (newest first), for a connection read backwards from the head:
   * `before` null starts at the newest.
   */
  async readBefore(
    before: string | null,
    filter: FeedFilter,
    limit: number,
    /** Only entries at or after this moment. */
    since: Date | null = null,
  ): Promise<FeedEntry[]> {
    const { rows } = await this.db.query<FeedRow>(
      /* sql */ `/* changeFeed.readBefore */
      SELECT cursor::text, stream, segment_id, customer_id, change, size_after, reason, at
      FROM change_feed
      WHERE ($1::bigint IS NULL OR cursor < $1::bigint)
        AND stream = $2
        AND ($3::uuid[] IS NULL OR segment_id = ANY($3))
        AND ($4::uuid IS NULL OR customer_id = $4)
        AND ($6::timestamptz IS NULL OR at >= $6)
      ORDER BY change_feed.cursor DESC
      LIMIT $5`,
      [before, filter.stream, filter.segmentIds ?? null, filter.customerId ?? null, limit, since],
    );
    return rows.map(toEntry);
  }

  /** Deletes every entry about these customers (erasure); cursors of others are untouched. */
  async forget(customerIds: readonly string[]): Promise<void> {
    await this.db.query(
      `/* changeFeed.forget */ DELETE FROM change_feed WHERE customer_id = ANY($1::uuid[])`,
      [customerIds],
    );
  }

  /**
   * The newest committed cursor of a stream ("0" when it is empty): every entry of the stream
   * up to it is committed (cursors of other streams may still commit below it).
   */
  async head(stream: FeedStream): Promise<string> {
    const { rows } = await this.db.query<{ head: string | null }>(
      `/* changeFeed.head */ SELECT max(cursor)::text AS head FROM change_feed WHERE stream = $1`,
      [stream],
    );
    return rows[0]?.head ?? '0';
  }

  /** The cursor retention has pruned through: resuming below it would miss changes. */
  async prunedThrough(): Promise<string> {
    const { rows } = await this.db.query<{ pruned_through: string }>(
      `/* changeFeed.prunedThrough */ SELECT pruned_through::text FROM change_feed_horizon`,
    );
    return rows[0]?.pruned_through ?? '0';
  }

  /** Deletes entries older than `before`, remembering how far it went; returns how many. */
  async prune(before: Date): Promise<number> {
    const { rows } = await this.db.query<{ deleted: string }>(
      /* sql */ `/* changeFeed.prune */
      WITH gone AS (DELETE FROM change_feed WHERE at < $1 RETURNING cursor),
      moved AS (
        UPDATE change_feed_horizon
        SET pruned_through = greatest(pruned_through, (SELECT max(cursor) FROM gone))
        WHERE EXISTS (SELECT 1 FROM gone)
      )
      SELECT count(*)::text AS deleted FROM gone`,
      [before],
    );
    return Number(rows[0]?.deleted ?? 0);
  }
}

function toEntry(row: FeedRow): FeedEntry {
  return {
    cursor: String(row.cursor),
    stream: row.stream,
    segmentId: row.segment_id,
    customerId: row.customer_id,
    change: row.change,
    sizeAfter: row.size_after,
    reason: row.reason,
    at: row.at,
  };
}

/** Orders cursors numerically (they are decimal strings of any length). */
export function compareCursors(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

function byCursor(a: FeedEntry, b: FeedEntry): number {
  return compareCursors(a.cursor, b.cursor);
}
