/**
 * An outbox topic: a name written to the `outbox` table and the payload type that goes with
 * it. The module that writes a topic declares it (in its `*.topics.ts`); modules that follow
 * it register an {@link OutboxApplier}. Payloads are JSON: times travel as ISO strings.
 * Every topic is documented in docs/events.md.
 */
export interface OutboxTopic<P> {
  readonly name: string;
  /** A message of this topic, to hand to OutboxStore.add inside the write's transaction. */
  message(payload: P): OutboxMessage;
}

/** A message as the outbox stores it. */
export interface OutboxMessage {
  topic: string;
  payload: unknown;
}

export function outboxTopic<P>(name: string): OutboxTopic<P> {
  return { name, message: (payload) => ({ topic: name, payload }) };
}

/**
 * Applies one run of consecutive messages of one topic to the store it keeps in line (Neo4j,
 * and later vectors, segments, caches). It must be idempotent: a message may be applied again
 * after a crash or a failed batch. Throwing sends the whole batch back for a later attempt.
 */
export interface OutboxApplier {
  readonly topic: string;
  /**
   * When several modules follow one topic they run in ascending `order` (then module-list
   * order); 0 when omitted. A step that must come after every other, such as deleting a
   * merged customer's node once all its edges have moved, takes a high number.
   */
  readonly order?: number;
  /**
   * True when it writes the Neo4j projection: `c360 graph rebuild` re-projects the graph by
   * feeding messages built from PostgreSQL rows to these appliers, and to no other.
   */
  readonly graph?: boolean;
  /**
   * True when it may run alongside the other appliers of its topic instead of in turn: it
   * reads nothing another of them writes, and none reads what it writes (the customer feed's
   * entries, say). It still sees every run in outbox order: the next run waits for it.
   */
  readonly concurrent?: boolean;
  /** The outbox lane it follows (default: {@link MAIN_LANE}). */
  readonly lane?: OutboxLane;
  apply(payloads: readonly unknown[]): Promise<void>;
}

/**
 * A lane of the outbox: copies of the messages of the topics its appliers follow, carried by
 * relays of its own, so it never waits behind another lane's appliers, nor they behind it.
 * For followers that read only what the write itself committed to PostgreSQL, never what
 * main's appliers write (the graph, vectors). Declare each lane once, as a constant.
 */
export interface OutboxLane {
  readonly name: string;
  /**
   * True: messages are applied in id order, one batch at a time across every instance (what
   * main guarantees). False, for appliers that recompute from the tables whatever the order
   * (a message applied before an older one gives the same result): batches are claimed side by
   * side, and a failing one holds up nothing behind it.
   */
  readonly ordered: boolean;
  /** Passes one instance runs side by side (unordered lanes only; 1 otherwise). */
  readonly passes: number;
  /**
   * Unordered lanes: the first pass claims only messages larger than this (as stored), the
   * others only the rest, so a small write is applied at once by an express pass while the
   * first works through large ones, and neither class waits for the other. Needs `passes` ≥ 2.
   * Without it every pass takes any message.
   */
  readonly expressBytes?: number;
}

/** The lane every message is stored in; other lanes get copies of the topics they follow. */
export const MAIN_LANE: OutboxLane = { name: 'main', ordered: true, passes: 1 };

/** Builds the applier of one topic with its payload type checked. */
export function applier<P>(
  topic: OutboxTopic<P>,
  apply: (payloads: readonly P[]) => Promise<void>,
  options: { order?: number; graph?: boolean; concurrent?: boolean; lane?: OutboxLane } = {},
): OutboxApplier {
  return { topic: topic.name, ...options, apply: (payloads) => apply(payloads as readonly P[]) };
}
