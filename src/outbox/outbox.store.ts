import type { Postgres, Queryable } from '../datasources/postgres.js';
import { MAIN_LANE, type OutboxLane, type OutboxMessage } from './outbox.topic.js';

export type { OutboxMessage } from './outbox.topic.js';

export interface ClaimedMessage extends OutboxMessage {
  id: string;
  attempts: number;
}

/**
 * Serialises claims (see {@link OutboxStore.claim}); 'c360o' in ASCII. The main lane's claim
 * takes it alone, so whoever holds it holds the main lane's relays (tests do).
 */
export const CLAIM_LOCK = 0x6333306f;

/** A size class of messages, by their payload's size as stored (compressed). */
export interface MessageBytes {
  above?: number;
  atMost?: number;
}

interface ClaimRow {
  id: string;
  topic: string;
  payload: unknown;
  attempts: number;
}

export interface LaneBacklog {
  lane: string;
  pending: number;
  oldestAgeMs: number;
}

/** PostgreSQL access to the outbox table. */
export class OutboxStore {
  constructor(private readonly db: Queryable) {}

  /**
   * Adds messages; call with the transaction of the write they describe. They are stored for
   * the main lane; a trigger copies each to every lane routed to its topic (the migration
   * 20261210090000), so writers of any version feed every lane.
   */
  async add(messages: readonly OutboxMessage[]): Promise<void> {
    if (messages.length === 0) {
      return;
    }
    await this.db.query(
      /* sql */ `/* outbox.add */
      INSERT INTO outbox (topic, payload)
      SELECT t, p FROM unnest($1::text[], $2::jsonb[]) AS m(t, p)`,
      [messages.map((m) => m.topic), messages.map((m) => JSON.stringify(m.payload))],
    );
  }

  /**
   * Makes `lane` receive copies of exactly these topics from now on (its relays call it at
   * start; the migration seeded the segments lane's, so no write waits for that).
   */
  async route(lane: string, topics: readonly string[]): Promise<void> {
    await this.db.query(
      /* sql */ `/* outbox.route */
      WITH gone AS (
        DELETE FROM outbox_routes WHERE lane = $1 AND topic <> ALL($2::text[])
      )
      INSERT INTO outbox_routes (lane, topic) SELECT $1, unnest($2::text[])
      ON CONFLICT DO NOTHING`,
      [lane, topics],
    );
  }

  /**
   * Leases up to `limit` due messages of `lane` for `leaseMs`, oldest first. The lease
   * outlives a crashed relay, after which another one picks the rows up again. Each lane is
   * claimed on its own: a lane never waits for another.
   *
   * In an ordered lane (main), never past the oldest message of a followed topic that is still
   * waiting (a failed batch backing off, or a batch another relay holds): appliers see every
   * message after all older ones, across retries and across relays, so a later write always
   * wins (a retried rename cannot land after a newer one). A failing message therefore holds up
   * the ones behind it until it succeeds; the backlog metric shows it. Claims are serialised by
   * a transaction-scoped advisory lock, so two relays never take adjacent batches at once.
   *
   * In an unordered lane, any due messages no other relay holds, so batches run side by side;
   * `bytes` limits them to one size class (as stored), so large ones and small ones are
   * claimed by different relays.
   *
   * @param followed the topics some applier follows: unfollowed ones are set aside for much
   *   later and must not hold anything up.
   */
  async claim(
    db: Postgres,
    limit: number,
    leaseMs: number,
    followed: readonly string[],
    lane: OutboxLane = MAIN_LANE,
    bytes: MessageBytes = {},
  ): Promise<ClaimedMessage[]> {
    const rows = lane.ordered
      ? await this.claimInOrder(db, limit, leaseMs, followed, lane.name)
      : await this.claimAny(limit, leaseMs, lane.name, bytes);
    return rows
      .map((row) => ({
        id: String(row.id),
        topic: row.topic,
        payload: row.payload,
        attempts: row.attempts,
      }))
      .sort((a, b) => Number(a.id) - Number(b.id));
  }

  private claimInOrder(
    db: Postgres,
    limit: number,
    leaseMs: number,
    followed: readonly string[],
    lane: string,
  ): Promise<ClaimRow[]> {
    return db.withTransaction(async (tx) => {
      // Main keeps the lock it always had, so instances of the previous version serialise with it.
      await tx.query(
        lane === MAIN_LANE.name
          ? `/* outbox.claimLock */ SELECT pg_advisory_xact_lock(${CLAIM_LOCK})`
          : `/* outbox.claimLock */ SELECT pg_advisory_xact_lock(${CLAIM_LOCK}, hashtext($1))`,
        lane === MAIN_LANE.name ? [] : [lane],
      );
      const result = await tx.query<ClaimRow>(
        /* sql */ `/* outbox.claim */
        UPDATE outbox SET claimed_until = now() + $2 * interval '1 millisecond'
        WHERE id IN (
          SELECT id FROM outbox
          WHERE lane = $4 AND next_attempt_at <= now()
            AND (claimed_until IS NULL OR claimed_until < now())
            AND id < coalesce((
              SELECT min(id) FROM outbox
              WHERE lane = $4 AND topic = ANY($3::text[])
                AND (next_attempt_at > now() OR claimed_until >= now())), 9223372036854775807)
          ORDER BY id
          LIMIT $1
        )
        RETURNING id, topic, payload, attempts`,
        [limit, leaseMs, followed, lane],
      );
      return result.rows;
    });
  }

  /** Due rows no other relay holds, oldest first, of the size class `bytes`. */
  private async claimAny(
    limit: number,
    leaseMs: number,
    lane: string,
    bytes: MessageBytes,
  ): Promise<ClaimRow[]> {
    const result = await this.db.query<ClaimRow>(
      /* sql */ `/* outbox.claimAny */
      UPDATE outbox SET claimed_until = now() + $2 * interval '1 millisecond'
      WHERE id IN (
        SELECT id FROM outbox
        WHERE lane = $3 AND next_attempt_at <= now()
          AND (claimed_until IS NULL OR claimed_until < now())
          AND pg_column_size(payload) > $4::bigint AND pg_column_size(payload) <= $5::bigint
        ORDER BY id
        LIMIT $1
        FOR UPDATE SKIP LOCKED
      )
      RETURNING id, topic, payload, attempts`,
      [limit, leaseMs, lane, bytes.above ?? -1, bytes.atMost ?? Number.MAX_SAFE_INTEGER],
    );
    return result.rows;
  }

  async deleteByIds(ids: readonly string[]): Promise<void> {
    await this.db.query(
      `/* outbox.deleteByIds */ DELETE FROM outbox WHERE id = ANY($1::bigint[])`,
      [ids],
    );
  }

  /** Releases failed messages for a later attempt, with the error kept for operators. */
  async retryLater(ids: readonly string[], delayMs: number, error: string): Promise<void> {
    await this.db.query(
      /* sql */ `/* outbox.retryLater */
      UPDATE outbox
      SET attempts = attempts + 1, claimed_until = NULL, last_error = $3,
          next_attempt_at = now() + $2 * interval '1 millisecond'
      WHERE id = ANY($1::bigint[])`,
      [ids, delayMs, error.slice(0, 1_000)],
    );
  }

  /** How many messages wait in every lane, and how old the oldest is. */
  async backlog(): Promise<{ pending: number; oldestAgeMs: number }> {
    const { rows } = await this.db.query<{ pending: string; oldest_age_ms: number | null }>(
      `/* outbox.backlog */ SELECT count(*) AS pending, extract(epoch FROM now() - min(created_at)) * 1000 AS oldest_age_ms FROM outbox`,
    );
    return {
      pending: Number(rows[0]?.pending ?? 0),
      oldestAgeMs: Number(rows[0]?.oldest_age_ms ?? 0),
    };
  }

  /** Per lane, how many messages wait and how old the oldest is (that lane's lag). */
  async backlogByLane(lanes: readonly string[]): Promise<LaneBacklog[]> {
    const { rows } = await this.db.query<{
      lane: string;
      pending: string;
      oldest_age_ms: number | null;
    }>(
      /* sql */ `/* outbox.backlogByLane */
      SELECT l.lane, count(o.id) AS pending,
             extract(epoch FROM now() - min(o.created_at)) * 1000 AS oldest_age_ms
      FROM unnest($1::text[]) AS l(lane) LEFT JOIN outbox o ON o.lane = l.lane
      GROUP BY l.lane`,
      [lanes],
    );
    const byLane = new Map(rows.map((row) => [row.lane, row]));
    return lanes.map((lane) => ({
      lane,
      pending: Number(byLane.get(lane)?.pending ?? 0),
      oldestAgeMs: Number(byLane.get(lane)?.oldest_age_ms ?? 0),
    }));
  }
}
