import type { Queryable } from '../datasources/postgres.js';
import type { OutboxMessage } from './outbox.topic.js';

export type { OutboxMessage } from './outbox.topic.js';

export interface ClaimedMessage extends OutboxMessage {
  id: string;
  attempts: number;
}

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
   * Leases up to `limit` due messages for `leaseMs`, oldest first. SKIP LOCKED lets relays in
   * several gateway instances claim disjoint rows; the lease outlives a crashed relay, after
   * which another one picks the rows up again.
   */
  async claim(limit: number, leaseMs: number): Promise<ClaimedMessage[]> {
    const { rows } = await this.db.query<{
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
        ORDER BY id
        LIMIT $1
        FOR UPDATE SKIP LOCKED
      )
      RETURNING id, topic, payload, attempts`,
      [limit, leaseMs],
    );
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
