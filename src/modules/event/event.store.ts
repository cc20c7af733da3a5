import type { Queryable } from '../../datasources/postgres.js';
import type { Event } from './event.type.js';
import type { EventType } from './event.kinds.js';

interface EventRow {
  id: string;
  message_id: string;
  customer_id: string;
  type: EventType;
  name: string | null;
  properties: Record<string, unknown>;
  occurred_at: Date;
  received_at: Date;
  session_id: string | null;
  channel: string | null;
  /** occurred_at in microseconds since the epoch: a JS Date would drop the microseconds. */
  occurred_us: string;
}

export interface NewEvent {
  messageId: string;
  customerId: string;
  type: EventType;
  name: string | null;
  properties: Record<string, unknown>;
  occurredAt: Date | null;
  sessionId: string | null;
  channel: string | null;
}

/** A page request for a customer's timeline, newest first. */
export interface EventPageQuery {
  first: number;
  /** Keyset position: events strictly older than this (occurred_at in µs since the epoch, id). */
  after: { occurredUs: string; id: string } | null;
  types: readonly EventType[] | null;
  from: Date | null;
  to: Date | null;
}

const COLUMNS =
  'id, message_id, customer_id, type, name, properties, occurred_at, received_at, session_id, channel';

/** PostgreSQL access for behavioural events. */
export class EventStore {
  constructor(private readonly db: Queryable) {}

  /**
   * Stores an event unless its message id was stored before.
   *
   * @returns the new event's id, or `null` for a duplicate message id.
   */
  async insert(event: NewEvent): Promise<string | null> {
    const { rows } = await this.db.query<{ id: string }>(
      /* sql */ `/* event.insert */
      INSERT INTO events (message_id, customer_id, type, name, properties, occurred_at,
                          session_id, channel)
      VALUES ($1, $2, $3, $4, $5::jsonb, COALESCE($6::timestamptz, now()), $7, $8)
      ON CONFLICT ON CONSTRAINT events_message_id_key DO NOTHING
      RETURNING id`,
      [
        event.messageId,
        event.customerId,
        event.type,
        event.name,
        JSON.stringify(event.properties),
        event.occurredAt,
        event.sessionId,
        event.channel,
      ],
    );
    return rows[0]?.id ?? null;
  }

  /**
   * {@link insert} for many events in one statement, in message-id order, so two writers whose
   * batches share message ids wait for each other in one order and never deadlock. Message ids
   * must be distinct.
   *
   * @returns the message ids that were new (the others were stored before).
   */
  async insertMany(events: readonly NewEvent[]): Promise<Set<string>> {
    if (events.length === 0) {
      return new Set();
    }
    const column = <T>(pick: (event: NewEvent) => T) => events.map(pick);
    const { rows } = await this.db.query<{ message_id: string }>(
      /* sql */ `/* event.insertMany */
      INSERT INTO events (message_id, customer_id, type, name, properties, occurred_at,
                          session_id, channel)
      SELECT m, c, t, n, p::jsonb, COALESCE(o, now()), s, ch
      FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[],
                  $6::timestamptz[], $7::text[], $8::text[]) AS e(m, c, t, n, p, o, s, ch)
      ORDER BY m
      ON CONFLICT ON CONSTRAINT events_message_id_key DO NOTHING
      RETURNING message_id`,
      [
        column((e) => e.messageId),
        column((e) => e.customerId),
        column((e) => e.type),
        column((e) => e.name),
        column((e) => JSON.stringify(e.properties)),
        column((e) => e.occurredAt),
        column((e) => e.sessionId),
        column((e) => e.channel),
      ],
    );
    return new Set(rows.map((row) => row.message_id));
  }

  /** The customer each stored message id belongs to; ids never stored are left out. */
  async findCustomerIdsByMessageIds(messageIds: readonly string[]): Promise<Map<string, string>> {
    if (messageIds.length === 0) {
      return new Map();
    }
    const { rows } = await this.db.query<{ message_id: string; customer_id: string }>(
      /* sql */ `/* event.findCustomerIdsByMessageIds */
      SELECT message_id, customer_id FROM events WHERE message_id = ANY($1::text[])`,
      [messageIds],
    );
    return new Map(rows.map((row) => [row.message_id, row.customer_id]));
  }

  /** The customer a message id was stored for, to answer a duplicate with it. */
  async findCustomerIdByMessageId(messageId: string): Promise<string | null> {
    const { rows } = await this.db.query<{ customer_id: string }>(
      `/* event.findCustomerIdByMessageId */ SELECT customer_id FROM events WHERE message_id = $1`,
      [messageId],
    );
    return rows[0]?.customer_id ?? null;
  }

  /**
   * One page (plus one row, to tell whether more follow) of each customer's events, for all
   * customers in one statement: a LATERAL keyset scan per customer on
   * events_customer_id_occurred_at_idx.
   */
  async listPageByCustomerIds(
    customerIds: readonly string[],
    page: EventPageQuery,
  ): Promise<Event[]> {
    const { rows } = await this.db.query<EventRow>(
      /* sql */ `/* event.listPageByCustomerIds */
      SELECT e.* FROM unnest($1::uuid[]) AS c(id)
      CROSS JOIN LATERAL (
        SELECT ${COLUMNS}, (extract(epoch FROM occurred_at) * 1000000)::bigint::text AS occurred_us
        FROM events
        WHERE customer_id = c.id
          AND ($3::text[] IS NULL OR type = ANY($3::text[]))
          AND ($4::timestamptz IS NULL OR occurred_at >= $4)
          AND ($5::timestamptz IS NULL OR occurred_at < $5)
          AND ($6::bigint IS NULL
               OR (occurred_at, id) < ('epoch'::timestamptz + $6::bigint * interval '1 microsecond', $7::bigint))
        ORDER BY occurred_at DESC, id DESC
        LIMIT $2
      ) e`,
      [
        customerIds,
        page.first + 1,
        page.types,
        page.from,
        page.to,
        page.after?.occurredUs ?? null,
        page.after?.id ?? null,
      ],
    );
    return rows.map(toEvent);
  }
  /** How many events one customer holds. */
  async countByCustomerId(customerId: string): Promise<number> {
    const { rows } = await this.db.query<{ n: string }>(
      `/* event.countByCustomerId */ SELECT count(*) AS n FROM events WHERE customer_id = $1`,
      [customerId],
    );
    return Number(rows[0]?.n ?? 0);
  }
}

function toEvent(row: EventRow): Event {
  return {
    id: String(row.id),
    messageId: row.message_id,
    customerId: row.customer_id,
    type: row.type,
    name: row.name,
    properties: row.properties,
    occurredAt: row.occurred_at,
    receivedAt: row.received_at,
    sessionId: row.session_id,
    channel: row.channel,
    cursorKey: [row.occurred_us, String(row.id)],
  };
}
