import { randomUUID } from 'node:crypto';

import type { Logger } from '../logger.js';
import type { GatewayPubSub } from '../subscriptions/pubsub.js';

/** The Redis channel on which a relay says it released the head of the outbox's main lane. */
export const OUTBOX_ADVANCED = 'c360:topic:outbox-advanced:v1';

/** The channel of a lane's rings: each lane's relays take turns among themselves only. */
export function doorbellChannel(lane: string): string {
  return lane === 'main' ? OUTBOX_ADVANCED : `${OUTBOX_ADVANCED}:${lane}`;
}

/**
 * Tells the relays of the other instances that this one finished a pass. Relays take turns on
 * the outbox (a claim never reaches past rows another relay holds), so a relay whose claim
 * came back empty because another held the head would otherwise sleep a whole idle pause
 * after the head was released. The ring carries no data: each relay claims from PostgreSQL
 * as always, and a lost ring (a Redis outage) costs at most that pause, never a message.
 */
export class OutboxDoorbell {
  /** Who rang: a relay ignores its own rings (it runs its next pass by itself). */
  private readonly id = randomUUID();
  private stopped = true;
  private notifications: AsyncIterator<unknown> | null = null;
  private readonly log: Logger;

  private readonly channel: string;

  constructor(
    private readonly pubSub: GatewayPubSub,
    logger: Logger,
    lane = 'main',
    /** How long to wait before listening again after Redis dropped the subscription. */
    private readonly retryMs = 1_000,
  ) {
    this.channel = doorbellChannel(lane);
    this.log = logger.child({ module: 'outbox.doorbell', lane });
  }

  ring(): void {
    this.pubSub.publish(this.channel, this.id);
  }

  /** Calls `wake` on every ring of another instance until {@link stop}. */
  follow(wake: () => void): void {
    this.stopped = false;
    void this.listen(wake);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.notifications?.return?.();
  }

  private async listen(wake: () => void): Promise<void> {
    while (!this.stopped) {
      const iterator = this.pubSub.subscribe(this.channel)[Symbol.asyncIterator]();
      this.notifications = iterator;
      try {
        for (;;) {
          const { done, value } = await iterator.next();
          if (done) {
            break;
          }
          if (value !== this.id) {
            wake();
          }
        }
      } catch (error) {
        this.log.warn({ err: error }, 'outbox rings interrupted; relays poll until they return');
      }
      if (!this.stopped) {
        await new Promise((resolve) => setTimeout(resolve, this.retryMs).unref());
      }
    }
  }
}
