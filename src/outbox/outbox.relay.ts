import type { Postgres } from '../datasources/postgres.js';
import { PassLoop } from '../lib/pass-loop.js';
import type { Logger } from '../logger.js';
import type { OutboxDoorbell } from './outbox.doorbell.js';
import { type ClaimedMessage, type MessageBytes, OutboxStore } from './outbox.store.js';
import { MAIN_LANE, type OutboxApplier, type OutboxLane } from './outbox.topic.js';

export interface OutboxRelayOptions {
  db: Postgres;
  /**
   * Who follows which topic: the modules' appliers of this relay's lane (others are ignored;
   * {@link OutboxRelays} runs one relay per lane).
   */
  appliers: readonly OutboxApplier[];
  /** The lane this relay carries (default: main, which holds every message). */
  lane?: OutboxLane;
  /** Unordered lanes: claim only messages of this size class (large or small ones). */
  bytes?: MessageBytes;
  logger: Logger;
  /** Messages applied per pass (one UNWIND statement per topic). */
  batchSize?: number;
  /** Pause between polls when there is nothing to do. */
  idleMs?: number;
  /** Longest pause before a failed message is tried again (backoff doubles up to it). */
  maxBackoffMs?: number;
  /**
   * Rings the other instances' relays after each pass that applied something, and wakes this
   * one on theirs: relays take turns, so one that found the head held runs as soon as it is
   * released instead of after `idleMs`. Without it (one instance) nothing changes.
   */
  doorbell?: OutboxDoorbell;
}

/**
 * Carries outbox messages from PostgreSQL to the stores that follow it, in every gateway
 * instance. It knows topics and appliers, never domains: each message goes to the appliers
 * registered for its topic. A store that is down delays messages, never loses them: a failed
 * batch is released with a growing delay and applied again once the store answers. Applying a
 * message twice is harmless (appliers are idempotent). A topic nobody follows (a message from
 * a newer version) is kept and retried, never dropped.
 */
export class OutboxRelay {
  private readonly db: Postgres;
  readonly lane: OutboxLane;
  private readonly bytes: MessageBytes;
  private readonly outbox: OutboxStore;
  private readonly appliers: ReadonlyMap<string, readonly OutboxApplier[]>;
  private readonly log: Logger;
  private readonly batchSize: number;
  private readonly idleMs: number;
  private readonly maxBackoffMs: number;
  private readonly doorbell: OutboxDoorbell | undefined;
  private readonly loop = new PassLoop(() => this.pass());
  private readonly advanceListeners: (() => void)[] = [];
  private failing = false;

  constructor(options: OutboxRelayOptions) {
    this.db = options.db;
    this.lane = options.lane ?? MAIN_LANE;
    this.bytes = options.bytes ?? {};
    this.outbox = new OutboxStore(options.db);
    this.appliers = appliersByTopic(
      options.appliers.filter((a) => (a.lane ?? MAIN_LANE).name === this.lane.name),
    );
    this.log = options.logger.child({ module: 'outbox.relay', lane: this.lane.name });
    this.batchSize = options.batchSize ?? 200;
    this.idleMs = options.idleMs ?? 250;
    this.maxBackoffMs = options.maxBackoffMs ?? 5_000;
    this.doorbell = options.doorbell;
  }

  /**
   * Routes to this lane exactly the topics it follows (main holds every message already):
   * from then on the outbox trigger copies their messages to it, whoever writes them.
   */
  async route(): Promise<void> {
    if (this.lane.name !== MAIN_LANE.name) {
      await this.outbox.route(this.lane.name, [...this.appliers.keys()]);
    }
  }

  start(): void {
    this.doorbell?.follow(() => {
      this.wake();
      this.advanced();
    });
    this.loop.start();
  }

  /** Calls `listener` after each pass (here or on another instance) that applied messages. */
  onAdvance(listener: () => void): void {
    this.advanceListeners.push(listener);
  }

  /**
   * Runs a pass soon, e.g. right after this instance wrote to the outbox (right after the
   * pass in progress, which may have claimed before this write committed).
   */
  wake(): void {
    this.loop.wake();
  }

  /** True while a pass runs. */
  get busy(): boolean {
    return this.loop.busy;
  }

  /**
   * Wakes the relays of this lane on the other instances (an unordered lane's write that found
   * a relay here busy: one idle elsewhere takes it at once instead of at its next poll).
   */
  handOff(): void {
    this.doorbell?.ring();
  }

  /** Stops polling and waits for the pass in progress; leased rows go back after their lease. */
  async stop(): Promise<void> {
    await this.doorbell?.stop();
    await this.loop.stop();
  }

  /** How many messages of this lane wait, and how old the oldest is (the relay's lag). */
  async backlog(): Promise<{ pending: number; oldestAgeMs: number }> {
    const [backlog] = await this.outbox.backlogByLane([this.lane.name]);
    return backlog!;
  }

  /**
   * Claims one batch and applies it.
   *
   * @returns how many messages were applied (0 when none were due or the batch failed).
   */
  async runOnce(): Promise<number> {
    const claimed = await this.outbox.claim(
      this.db,
      this.batchSize,
      30_000,
      [...this.appliers.keys()],
      this.lane,
      this.bytes,
    );
    if (claimed.length === 0) {
      return 0;
    }
    const messages = await this.setAsideUnfollowed(claimed);
    try {
      await this.apply(messages);
    } catch (error) {
      const attempts = Math.max(...messages.map((m) => m.attempts));
      const delay = Math.min(250 * 2 ** attempts, this.maxBackoffMs);
      await this.outbox.retryLater(
        messages.map((m) => m.id),
        delay,
        (error as Error).message ?? String(error),
      );
      if (!this.failing) {
        this.log.warn(
          { err: (error as Error).message, pending: messages.length },
          'outbox relay paused',
        );
      }
      this.failing = true;
      return 0;
    }
    await this.outbox.deleteByIds(messages.map((m) => m.id));
    if (this.lane.ordered) {
      // Another instance's relay may have found the head held by this batch.
      this.doorbell?.ring();
    }
    this.advanced();
    if (this.failing) {
      this.log.info('outbox relay resumed');
    }
    this.failing = false;
    return messages.length;
  }

  /**
   * Puts back, for a much later attempt, messages of a topic no module follows (written by a
   * newer version, or by a module since removed), so they never hold up the rest.
   */
  private async setAsideUnfollowed(messages: readonly ClaimedMessage[]): Promise<ClaimedMessage[]> {
    const unfollowed = messages.filter((m) => !this.appliers.has(m.topic));
    if (unfollowed.length > 0) {
      const topics = [...new Set(unfollowed.map((m) => m.topic))];
      this.log.error(
        { topics, messages: unfollowed.length },
        'no module follows these outbox topics',
      );
      await this.outbox.retryLater(
        unfollowed.map((m) => m.id),
        UNFOLLOWED_RETRY_MS,
        `no applier follows ${topics.join(', ')}`,
      );
    }
    return messages.filter((m) => this.appliers.has(m.topic));
  }

  /**
   * Applies messages in outbox order, one call per applier for each run of consecutive
   * messages of the same topic, so a link followed by an unlink of the same pair ends unlinked.
   * Within a run, appliers declared `concurrent` start at once alongside the others, which run
   * one after another in `order`; the next run starts when every applier of this one is done.
   */
  private async apply(messages: readonly ClaimedMessage[]): Promise<void> {
    for (const run of runsOf(messages)) {
      const topic = run[0]!.topic;
      const appliers = this.appliers.get(topic)!;
      const payloads = run.map((message) => message.payload);
      const inTurn = async () => {
        for (const applier of appliers.filter((a) => a.concurrent !== true)) {
          await applier.apply(payloads);
        }
      };
      const outcomes = await Promise.allSettled([
        inTurn(),
        ...appliers.filter((a) => a.concurrent === true).map((a) => a.apply(payloads)),
      ]);
      // Every applier finishes (or fails) before the batch is given back: none is left
      // writing while a retry of the same messages starts.
      const failed = outcomes.find((outcome) => outcome.status === 'rejected');
      if (failed !== undefined) {
        throw failed.reason;
      }
    }
  }

  private advanced(): void {
    for (const listener of this.advanceListeners) {
      listener();
    }
  }

  /** One background pass; returns the pause before the next. */
  private async pass(): Promise<number> {
    let applied = 0;
    try {
      applied = await this.runOnce();
    } catch (error) {
      // PostgreSQL itself is unreachable: nothing can be claimed; try again after a pause.
      this.log.warn({ err: (error as Error).message }, 'outbox relay cannot reach postgres');
    }
    return applied === this.batchSize ? 0 : this.idleMs;
  }
}

/** How long a message nobody follows waits before it is looked at again. */
const UNFOLLOWED_RETRY_MS = 10 * 60_000;

/** Splits messages into runs of the same topic. */
function runsOf(messages: readonly ClaimedMessage[]): ClaimedMessage[][] {
  const runs: ClaimedMessage[][] = [];
  for (const message of messages) {
    const last = runs.at(-1);
    if (last && last[0]!.topic === message.topic) {
      last.push(message);
    } else {
      runs.push([message]);
    }
  }
  return runs;
}

/** Appliers grouped by topic, each group in ascending `order` (stable: module-list order). */
export function appliersByTopic(appliers: readonly OutboxApplier[]): Map<string, OutboxApplier[]> {
  const map = new Map<string, OutboxApplier[]>();
  for (const applier of appliers) {
    map.set(applier.topic, [...(map.get(applier.topic) ?? []), applier]);
  }
  for (const group of map.values()) {
    group.sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
  }
  return map;
}
