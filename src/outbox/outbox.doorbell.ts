import { randomUUID } from 'node:crypto';

import type { Logger } from '../logger.js';
import type { GatewayPubSub } from '../subscriptions/pubsub.js';

/** The Redis channel on which a relay says it released the head of the outbox. */
export const OUTBOX_ADVANCED = 'c360:topic:outbox-advanced:v1';

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

  constructor(
    private readonly pubSub: GatewayPubSub,
    logger: Logger,
    /** How long to wait before listening again after Redis dropped the subscription. */
    private readonly retryMs = 1_000,
  ) {
    this.log = logger.child({ module: 'outbox.doorbell' });
  }

  ring(): void {
    this.pubSub.publish(OUTBOX_ADVANCED, this.id);
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
      const iterator = this.pubSub.subscribe(OUTBOX_ADVANCED)[Symbol.asyncIterator]();
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
