import type { Queryable } from '../../datasources/postgres.js';
import type { WebhookChange, WebhookDestinationRecord } from './webhook.kinds.js';

interface DestinationRow {
  id: string;
  name: string;
  url: string;
  segment_ids: string[] | null;
  changes: WebhookChange[];
  cursor: string;
  active: boolean;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
}

interface ClaimedRow extends DestinationRow {
  secret: string;
  pending_delivery_id: string | null;
  pending_through: string | null;
}

/** A destination leased to this instance, with what delivering it needs. */
export interface ClaimedDestination extends WebhookDestinationRecord {
  secret: string;
  /** The batch fixed before an earlier attempt, to be sent again as it was; null when none. */
  pending: { deliveryId: string; through: string } | null;
}

export interface NewDestination {
  name: string;
  url: string;
  secret: string;
  segmentIds: readonly string[] | null;
  changes: readonly WebhookChange[];
}

/** Fields an update sets; `undefined` leaves one as it is (`segmentIds: null` means all). */
export interface DestinationPatch {
  name?: string | undefined;
  url?: string | undefined;
  segmentIds?: readonly string[] | null | undefined;
  changes?: readonly WebhookChange[] | undefined;
  active?: boolean | undefined;
}

const COLUMNS = /* sql */ `id, name, url, segment_ids, changes, cursor::text, active, attempts,
  next_attempt_at, last_error, created_at, updated_at`;

/** PostgreSQL access to `webhook_destinations`: definitions and delivery state. */
export class WebhookDestinationStore {
  constructor(private readonly db: Queryable) {}

  /**
   * Stores a destination that starts at the segment stream's head: it receives only later
   * changes (the stream's head, not the feed's: a customer entry's cursor may be committed above
   * a segment entry still to commit).
   */
  async insert(destination: NewDestination): Promise<WebhookDestinationRecord> {
    const { rows } = await this.db.query<DestinationRow>(
      /* sql */ `/* webhookDestination.insert */
      INSERT INTO webhook_destinations (name, url, secret, segment_ids, changes, cursor)
      VALUES ($1, $2, $3, $4::uuid[], $5::text[],
        (SELECT coalesce(max(cursor), 0) FROM change_feed WHERE stream = 'segment'))
      RETURNING ${COLUMNS}`,
      [
        destination.name,
        destination.url,
        destination.secret,
        destination.segmentIds,
        destination.changes,
      ],
    );
    return toRecord(rows[0]!);
  }

  async findById(id: string): Promise<WebhookDestinationRecord | null> {
    const { rows } = await this.db.query<DestinationRow>(
      `/* webhookDestination.findById */ SELECT ${COLUMNS} FROM webhook_destinations WHERE id = $1`,
      [id],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** The secret that signs a destination's requests, or null for an unknown id. */
  async findSecret(id: string): Promise<string | null> {
    const { rows } = await this.db.query<{ secret: string }>(
      `/* webhookDestination.findSecret */ SELECT secret FROM webhook_destinations WHERE id = $1`,
      [id],
    );
    return rows[0]?.secret ?? null;
  }

  /** Every destination, newest first. */
  async list(): Promise<WebhookDestinationRecord[]> {
    const { rows } = await this.db.query<DestinationRow>(
      `/* webhookDestination.list */ SELECT ${COLUMNS} FROM webhook_destinations ORDER BY created_at DESC, id`,
    );
    return rows.map(toRecord);
  }

  /**
   * Applies `patch`. A change of what the destination receives (segments, changes) drops the
   * pending batch and its attempts: the next batch is read afresh under the new filter, from
   * the same cursor.
   *
   * @returns the updated destination, or null for an unknown id.
   */
  async update(id: string, patch: DestinationPatch): Promise<WebhookDestinationRecord | null> {
    const { rows } = await this.db.query<DestinationRow>(
      /* sql */ `/* webhookDestination.update */
      UPDATE webhook_destinations SET
        name = coalesce($2, name),
        url = coalesce($3, url),
        segment_ids = CASE WHEN $4 THEN $5::uuid[] ELSE segment_ids END,
        changes = coalesce($6::text[], changes),
        active = coalesce($7, active),
        pending_delivery_id = CASE WHEN $4 OR $6::text[] IS NOT NULL THEN NULL ELSE pending_delivery_id END,
        pending_through = CASE WHEN $4 OR $6::text[] IS NOT NULL THEN NULL ELSE pending_through END,
        attempts = CASE WHEN $4 OR $6::text[] IS NOT NULL THEN 0 ELSE attempts END,
        next_attempt_at = CASE WHEN $4 OR $6::text[] IS NOT NULL OR $7 THEN now() ELSE next_attempt_at END,
        updated_at = now()
      WHERE id = $1
      RETURNING ${COLUMNS}`,
      [
        id,
        patch.name ?? null,
        patch.url ?? null,
        patch.segmentIds !== undefined,
        patch.segmentIds ?? null,
        patch.changes ?? null,
        patch.active ?? null,
      ],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** Replaces the signing secret; returns null for an unknown id. */
  async rotateSecret(id: string, secret: string): Promise<WebhookDestinationRecord | null> {
    const { rows } = await this.db.query<DestinationRow>(
      /* sql */ `/* webhookDestination.rotateSecret */
      UPDATE webhook_destinations SET secret = $2, updated_at = now() WHERE id = $1
      RETURNING ${COLUMNS}`,
      [id, secret],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** Deletes a destination with its log and dead letters; returns what was deleted. */
  async delete(id: string): Promise<WebhookDestinationRecord | null> {
    const { rows } = await this.db.query<DestinationRow>(
      `/* webhookDestination.delete */ DELETE FROM webhook_destinations WHERE id = $1 RETURNING ${COLUMNS}`,
      [id],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /**
   * Leases up to `limit` active destinations that are due and behind the segment stream's head,
   * marking them with `token`. SKIP LOCKED lets instances claim disjoint rows; the lease outlives
   * a crashed instance, after which another one takes the destination over.
   */
  async claim(limit: number, leaseMs: number, token: string): Promise<ClaimedDestination[]> {
    const { rows } = await this.db.query<ClaimedRow>(
      /* sql */ `/* webhookDestination.claim */
      UPDATE webhook_destinations
      SET claimed_by = $2, claimed_until = now() + $3 * interval '1 millisecond'
      WHERE id IN (
        SELECT id FROM webhook_destinations
        WHERE active AND next_attempt_at <= now()
          AND (claimed_until IS NULL OR claimed_until < now())
          -- Destinations follow the segment stream: customer entries never make one due.
          AND cursor < (SELECT coalesce(max(cursor), 0) FROM change_feed WHERE stream = 'segment')
        ORDER BY next_attempt_at
        LIMIT $1
        FOR UPDATE SKIP LOCKED
      )
      RETURNING ${COLUMNS}, secret, pending_delivery_id, pending_through::text`,
      [limit, token, leaseMs],
    );
    return rows.map((row) => ({
      ...toRecord(row),
      secret: row.secret,
      pending:
        row.pending_delivery_id !== null && row.pending_through !== null
          ? { deliveryId: row.pending_delivery_id, through: row.pending_through }
          : null,
    }));
  }

  /**
   * Called before every attempt: fixes the batch (changes after the cursor through `through`)
   * before its first attempt, so a retry, on any instance, sends the same batch under the same
   * id (for a retry it writes the values already there), and renews the lease so it outlasts
   * the request.
   *
   * @returns false when this instance no longer holds the lease: it must not send.
   */
  async beginAttempt(
    id: string,
    token: string,
    batch: { deliveryId: string; through: string },
    leaseMs: number,
  ): Promise<boolean> {
    const { rowCount } = await this.db.query(
      /* sql */ `/* webhookDestination.beginAttempt */
      UPDATE webhook_destinations
      SET pending_delivery_id = $3, pending_through = $4::bigint,
          claimed_until = now() + $5 * interval '1 millisecond'
      WHERE id = $1 AND claimed_by = $2`,
      [id, token, batch.deliveryId, batch.through, leaseMs],
    );
    return rowCount === 1;
  }

  /**
   * Moves the cursor to `through` (a batch delivered, dead-lettered or holding nothing the
   * destination wants) and renews the lease for the next batch.
   *
   * @returns false when this instance no longer holds the lease.
   */
  async advance(id: string, token: string, through: string, leaseMs: number): Promise<boolean> {
    const { rowCount } = await this.db.query(
      /* sql */ `/* webhookDestination.advance */
      UPDATE webhook_destinations
      SET cursor = greatest(cursor, $3::bigint), pending_delivery_id = NULL,
          pending_through = NULL, attempts = 0, last_error = NULL,
          claimed_until = now() + $4 * interval '1 millisecond'
      WHERE id = $1 AND claimed_by = $2`,
      [id, token, through, leaseMs],
    );
    return rowCount === 1;
  }

  /** Records a failed attempt and releases the destination until `delayMs` from now. */
  async retryLater(
    id: string,
    token: string,
    attempts: number,
    delayMs: number,
    error: string,
  ): Promise<boolean> {
    const { rowCount } = await this.db.query(
      /* sql */ `/* webhookDestination.retryLater */
      UPDATE webhook_destinations
      SET attempts = $3, last_error = $5, claimed_by = NULL, claimed_until = NULL,
          next_attempt_at = now() + $4 * interval '1 millisecond'
      WHERE id = $1 AND claimed_by = $2`,
      [id, token, attempts, delayMs, error],
    );
    return rowCount === 1;
  }

  /** Gives the lease back, so any instance may deliver the destination at once. */
  async release(id: string, token: string): Promise<void> {
    await this.db.query(
      /* sql */ `/* webhookDestination.release */
      UPDATE webhook_destinations SET claimed_by = NULL, claimed_until = NULL
      WHERE id = $1 AND claimed_by = $2`,
      [id, token],
    );
  }
}

function toRecord(row: DestinationRow): WebhookDestinationRecord {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    segmentIds: row.segment_ids,
    changes: row.changes,
    cursor: String(row.cursor),
    active: row.active,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
