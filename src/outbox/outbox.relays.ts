import type { Postgres } from '../datasources/postgres.js';
import type { Logger } from '../logger.js';
import type { GatewayPubSub } from '../subscriptions/pubsub.js';
import { OutboxDoorbell } from './outbox.doorbell.js';
import { OutboxRelay } from './outbox.relay.js';
import { type LaneBacklog, OutboxStore } from './outbox.store.js';
import { MAIN_LANE, type OutboxApplier, type OutboxLane } from './outbox.topic.js';

export interface OutboxRelaysOptions {
  db: Postgres;
  /** Every module's appliers; each runs in the lane it names (main when it names none). */
  appliers: readonly OutboxApplier[];
  logger: Logger;
  /** Rings between instances, one channel per lane; none with a single instance. */
  pubSub?: GatewayPubSub;
  batchSize?: number;
}

/**
 * The relays of every outbox lane, driven as one: a write wakes every lane, start and stop and
 * the catch-up at start cover them all. One relay per ordered lane, `passes` per unordered
 * one (with `expressBytes`, the first takes the large messages, the others the small ones).
 * Lanes never wait for each other; what follows "the outbox advanced" (the read model's
 * projector) follows the main lane, the one that writes the graph.
 */
export class OutboxRelays {
  readonly main: OutboxRelay;
  private readonly byLane: Map<string, OutboxRelay[]>;
  private readonly outbox: OutboxStore;

  constructor(options: OutboxRelaysOptions) {
    this.outbox = new OutboxStore(options.db);
    this.byLane = new Map(
      lanesOf(options.appliers).map((lane) => [
        lane.name,
        Array.from(
          { length: lane.ordered ? 1 : lane.passes },
          (_, pass) =>
            new OutboxRelay({
              db: options.db,
              appliers: options.appliers,
              lane,
              logger: options.logger,
              ...(lane.expressBytes === undefined
                ? {}
                : {
                    bytes:
                      pass === 0 ? { above: lane.expressBytes } : { atMost: lane.expressBytes },
                  }),
              ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
              ...(options.pubSub === undefined
                ? {}
                : { doorbell: new OutboxDoorbell(options.pubSub, options.logger, lane.name) }),
            }),
        ),
      ]),
    );
    this.main = this.byLane.get(MAIN_LANE.name)![0]!;
  }

  get lanes(): string[] {
    return [...this.byLane.keys()];
  }

  /** Routes each lane's topics to it ({@link OutboxRelay.route}), at start. */
  async route(): Promise<void> {
    for (const relays of this.byLane.values()) {
      await relays[0]!.route();
    }
  }

  start(): void {
    this.relays().forEach((relay) => relay.start());
  }

  /**
   * After a write: every relay here runs a pass soon. In an unordered lane with a relay here
   * busy (maybe the one the write's size class needs), the other instances' relays are rung
   * too, and an idle one takes it at once instead of at its next poll.
   */
  wake(): void {
    for (const relays of this.byLane.values()) {
      const busy = relays.some((relay) => relay.busy);
      relays.forEach((relay) => relay.wake());
      if (!relays[0]!.lane.ordered && busy) {
        relays[0]!.handOff();
      }
    }
  }

  onAdvance(listener: () => void): void {
    this.main.onAdvance(listener);
  }

  async stop(): Promise<void> {
    await Promise.all(this.relays().map((relay) => relay.stop()));
  }

  /** One pass of every relay; how many messages they applied together. */
  async runOnce(): Promise<number> {
    const applied = await Promise.all(this.relays().map((relay) => relay.runOnce()));
    return applied.reduce((sum, n) => sum + n, 0);
  }

  /**
   * Resolves once no lane holds anything, or after `timeoutMs` (with how many messages still
   * wait): used at start, so the demo's graph and segments are there before the first query.
   * Every relay takes part (an express relay is the only one that claims small messages).
   */
  async drain(timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const applied = await this.runOnce();
      const pending = (await this.backlog()).reduce((sum, lane) => sum + lane.pending, 0);
      if (pending === 0 || Date.now() > deadline) {
        return pending;
      }
      if (applied === 0) {
        // Leased by a background pass, or waiting for a retry: look again shortly.
        await new Promise((resolve) => setTimeout(resolve, DRAIN_PAUSE_MS));
      }
    }
  }

  /** Each lane's backlog (one statement). */
  backlog(): Promise<LaneBacklog[]> {
    return this.outbox.backlogByLane(this.lanes);
  }

  private relays(): OutboxRelay[] {
    return [...this.byLane.values()].flat();
  }
}

/** The pause of a drain that found every due message leased or backing off. */
const DRAIN_PAUSE_MS = 250;

/** Main first, then every lane some applier names, each declared once. */
function lanesOf(appliers: readonly OutboxApplier[]): OutboxLane[] {
  const lanes = new Map<string, OutboxLane>([[MAIN_LANE.name, MAIN_LANE]]);
  for (const lane of appliers.map((a) => a.lane ?? MAIN_LANE)) {
    const known = lanes.get(lane.name);
    if (known !== undefined && known !== lane) {
      throw new Error(`outbox lane ${lane.name} is declared twice: declare it once, as a constant`);
    }
    lanes.set(lane.name, lane);
  }
  return [...lanes.values()];
}
