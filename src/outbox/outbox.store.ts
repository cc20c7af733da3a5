import type { Postgres, Queryable } from '../datasources/postgres.js';
import type { OutboxMessage } from './outbox.topic.js';

export type { OutboxMessage } from './outbox.topic.js';

export interface ClaimedMessage extends OutboxMessage {
  id: string;
  attempts: number;
}

/** Serialises claims (see {@link OutboxStore.claim}); 'c360o' in ASCII. */
const CLAIM_LOCK = 0x6333306f;

/** PostgreSQL access to the outbox table. */
export class OutboxStore {
  constructor(private readonly db: Queryable) {}

  /** Adds messages; call with the transaction of the write they describe. */
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
   * Leases up to `limit` due messages for `leaseMs`, oldest first, never past the oldest
   * message of a followed topic that is still waiting (a failed batch backing off, or a batch
   * another relay holds): appliers see every message after all older ones, across retries and
   * across relays, so a later write always wins (a retried rename cannot land after a newer
   * one). A failing message therefore holds up the ones behind it until it succeeds; the
   * backlog metric shows it. Claims are serialised by a transaction-scoped advisory lock, so
   * two relays never take adjacent batches at once; the lease outlives a crashed relay, after
   * which another one picks the rows up again.
   *
   * @param followed the topics some applier follows: unfollowed ones are set aside for much
   *   later and must not hold anything up.
   */
  async claim(
    db: Postgres,
    limit: number,
    leaseMs: number,
    followed: readonly string[],
  ): Promise<ClaimedMessage[]> {
    const rows = await db.withTransaction(async (tx) => {
      await tx.query(`/* outbox.claimLock */ SELECT pg_advisory_xact_lock(${CLAIM_LOCK})`);
      const result = await tx.query<{
        id: string;
        topic: string;
        payload: unknown;
        attempts: number;
      }>(
        /* sql */ `/* outbox.claim */
        UPDATE outbox SET claimed_until = now() + $2 * interval '1 millisecond'
        WHERE id IN (
          SELECT id FROM outbox
          WHERE next_attempt_at <= now() AND (claimed_until IS NULL OR claimed_until < now())
            AND id < coalesce((
              SELECT min(id) FROM outbox
              WHERE topic = ANY($3::text[])
                AND (next_attempt_at > now() OR claimed_until >= now())), 9223372036854775807)
          ORDER BY id
          LIMIT $1
        )
        RETURNING id, topic, payload, attempts`,
        [limit, leaseMs, followed],
      );
      return result.rows;
    });
    return rows
      .map((row) => ({
        id: String(row.id),
        topic: row.topic,
        payload: row.payload,
        attempts: row.attempts,
      }))
      .sort((a, b) => Number(a.id) - Number(b.id));
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

  /** How many messages wait, and how old the oldest is (relay lag). */
  async backlog(): Promise<{ pending: number; oldestAgeMs: number }> {
    const { rows } = await this.db.query<{ pending: string; oldest_age_ms: number | null }>(
      `/* outbox.backlog */ SELECT count(*) AS pending, extract(epoch FROM now() - min(created_at)) * 1000 AS oldest_age_ms FROM outbox`,
    );
    return {
      pending: Number(rows[0]?.pending ?? 0),
      oldestAgeMs: Number(rows[0]?.oldest_age_ms ?? 0),
    };
  }
}
