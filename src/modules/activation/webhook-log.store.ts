import type { Queryable } from '../../datasources/postgres.js';
import type {
  DeliveryOutcome,
  WebhookDeadLetterRecord,
  WebhookDeliveryRecord,
} from './webhook.kinds.js';

/** What one attempt sent, and how it ended: a delivery record before it is logged. */
export type AttemptRecord = Omit<WebhookDeliveryRecord, 'id' | 'at'>;

interface DeliveryRow {
  id: string;
  destination_id: string;
  delivery_id: string;
  first_cursor: string;
  last_cursor: string;
  change_count: number;
  attempt: number;
  outcome: DeliveryOutcome;
  http_status: number | null;
  error: string | null;
  duration_ms: number;
  at: Date;
}

interface DeadLetterRow {
  id: string;
  destination_id: string;
  delivery_id: string;
  first_cursor: string;
  last_cursor: string;
  change_count: number;
  body: string;
  last_error: string | null;
  attempts: number;
  created_at: Date;
  redelivered_at: Date | null;
}

/** Receivers' answers may be long; the log keeps enough of one to diagnose. */
const MAX_ERROR_LENGTH = 1_000;

// Ids are read as text (bigint outgrows JS numbers); their ORDER BY names the table's column,
// or it would sort the text ("9" after "10").
const DELIVERY_COLUMNS = /* sql */ `id::text, destination_id, delivery_id, first_cursor::text,
  last_cursor::text, change_count, attempt, outcome, http_status, error, duration_ms, at`;

// body::text: the json column's text as stored, not re-serialised by the driver.
const DEAD_LETTER_COLUMNS = /* sql */ `id::text, destination_id, delivery_id, first_cursor::text,
  last_cursor::text, change_count, body::text AS body, last_error, attempts, created_at,
  redelivered_at`;

/** PostgreSQL access to the delivery log and the dead-letter list. */
export class WebhookLogStore {
  constructor(private readonly db: Queryable) {}

  async insertDelivery(attempt: AttemptRecord): Promise<WebhookDeliveryRecord> {
    const { rows } = await this.db.query<DeliveryRow>(
      /* sql */ `/* webhookLog.insertDelivery */
      INSERT INTO webhook_deliveries (destination_id, delivery_id, first_cursor, last_cursor,
        change_count, attempt, outcome, http_status, error, duration_ms)
      VALUES ($1, $2, $3::bigint, $4::bigint, $5, $6, $7, $8, $9, $10)
      RETURNING ${DELIVERY_COLUMNS}`,
      [
        attempt.destinationId,
        attempt.deliveryId,
        attempt.firstCursor,
        attempt.lastCursor,
        attempt.changeCount,
        attempt.attempt,
        attempt.outcome,
        attempt.httpStatus,
        truncate(attempt.error),
        Math.round(attempt.durationMs),
      ],
    );
    return toDelivery(rows[0]!);
  }

  /** A destination's attempts, newest first, before the id `beforeId` when given. */
  async listDeliveries(
    destinationId: string,
    beforeId: string | null,
    limit: number,
  ): Promise<WebhookDeliveryRecord[]> {
    const { rows } = await this.db.query<DeliveryRow>(
      /* sql */ `/* webhookLog.listDeliveries */
      SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries
      WHERE destination_id = $1 AND ($2::bigint IS NULL OR id < $2::bigint)
      ORDER BY webhook_deliveries.id DESC
      LIMIT $3`,
      [destinationId, beforeId, limit],
    );
    return rows.map(toDelivery);
  }

  /** Keeps a batch given up on: its body, why, and after how many attempts. */
  async insertDeadLetter(attempt: AttemptRecord, body: string): Promise<WebhookDeadLetterRecord> {
    const { rows } = await this.db.query<DeadLetterRow>(
      /* sql */ `/* webhookLog.insertDeadLetter */
      INSERT INTO webhook_dead_letters (destination_id, delivery_id, first_cursor, last_cursor,
        change_count, body, last_error, attempts)
      VALUES ($1, $2, $3::bigint, $4::bigint, $5, $6::json, $7, $8)
      RETURNING ${DEAD_LETTER_COLUMNS}`,
      [
        attempt.destinationId,
        attempt.deliveryId,
        attempt.firstCursor,
        attempt.lastCursor,
        attempt.changeCount,
        body,
        truncate(attempt.error),
        attempt.attempt,
      ],
    );
    return toDeadLetter(rows[0]!);
  }

  /** A destination's dead letters, newest first, before the id `beforeId` when given. */
  async listDeadLetters(
    destinationId: string,
    beforeId: string | null,
    limit: number,
  ): Promise<WebhookDeadLetterRecord[]> {
    const { rows } = await this.db.query<DeadLetterRow>(
      /* sql */ `/* webhookLog.listDeadLetters */
      SELECT ${DEAD_LETTER_COLUMNS} FROM webhook_dead_letters
      WHERE destination_id = $1 AND ($2::bigint IS NULL OR id < $2::bigint)
      ORDER BY webhook_dead_letters.id DESC
      LIMIT $3`,
      [destinationId, beforeId, limit],
    );
    return rows.map(toDeadLetter);
  }

  async findDeadLetter(id: string): Promise<WebhookDeadLetterRecord | null> {
    const { rows } = await this.db.query<DeadLetterRow>(
      `/* webhookLog.findDeadLetter */ SELECT ${DEAD_LETTER_COLUMNS} FROM webhook_dead_letters WHERE id = $1::bigint`,
      [id],
    );
    return rows[0] ? toDeadLetter(rows[0]) : null;
  }

  /** Notes a redelivery attempt: `redelivered_at` is set once one succeeds. */
  async recordRedelivery(
    id: string,
    delivered: boolean,
    error: string | null,
  ): Promise<WebhookDeadLetterRecord> {
    const { rows } = await this.db.query<DeadLetterRow>(
      /* sql */ `/* webhookLog.recordRedelivery */
      UPDATE webhook_dead_letters
      SET attempts = attempts + 1,
          last_error = CASE WHEN $2 THEN last_error ELSE $3 END,
          redelivered_at = CASE WHEN $2 THEN now() ELSE redelivered_at END
      WHERE id = $1::bigint
      RETURNING ${DEAD_LETTER_COLUMNS}`,
      [id, delivered, truncate(error)],
    );
    return toDeadLetter(rows[0]!);
  }
}

function truncate(text: string | null): string | null {
  return text === null ? null : text.slice(0, MAX_ERROR_LENGTH);
}

function toDelivery(row: DeliveryRow): WebhookDeliveryRecord {
  return {
    id: row.id,
    destinationId: row.destination_id,
    deliveryId: row.delivery_id,
    firstCursor: row.first_cursor,
    lastCursor: row.last_cursor,
    changeCount: row.change_count,
    attempt: row.attempt,
    outcome: row.outcome,
    httpStatus: row.http_status,
    error: row.error,
    durationMs: row.duration_ms,
    at: row.at,
  };
}

function toDeadLetter(row: DeadLetterRow): WebhookDeadLetterRecord {
  return {
    id: row.id,
    destinationId: row.destination_id,
    deliveryId: row.delivery_id,
    firstCursor: row.first_cursor,
    lastCursor: row.last_cursor,
    changeCount: row.change_count,
    body: row.body,
    lastError: row.last_error,
    attempts: row.attempts,
    createdAt: row.created_at,
    redeliveredAt: row.redelivered_at,
  };
}
