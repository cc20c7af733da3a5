import { randomUUID } from 'node:crypto';

import type { ChangeFeed } from '../../changefeed/change-feed.js';
import { CoalescedRun } from '../../lib/coalesced-run.js';
import type { Logger } from '../../logger.js';
import type { WebhookCourier } from './webhook.courier.js';
import type { WebhookDestinationStore } from './webhook-destination.store.js';

/**
 * Destinations claimed, and delivered at once, per round of a pass (each one request at a
 * time). Claiming no more than are served keeps leases from running out in a queue.
 */
const CLAIM_LIMIT = 8;

/** Longest wait this instance schedules for a retry itself; beyond it the poll finds it. */
const MAX_RETRY_TIMER_MS = 60_000;

/**
 * Runs webhook delivery on this instance: a pass claims due destinations and hands each to
 * the courier. A pass runs when the change feed announces new entries, when a retry this
 * instance scheduled falls due, and every `pollMs` (retries scheduled by other instances,
 * lost announcements). Passes never overlap; a wake-up during one runs another after it.
 */
export class WebhookDispatcher {
  private readonly token = randomUUID();
  private readonly log: Logger;
  private stopped = true;
  private readonly passes: CoalescedRun;
  private poll: NodeJS.Timeout | null = null;
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private announcements: AsyncIterator<unknown> | null = null;

  constructor(
    private readonly feed: ChangeFeed,
    private readonly destinations: WebhookDestinationStore,
    private readonly courier: WebhookCourier,
    private readonly pollMs: number,
    logger: Logger,
  ) {
    this.log = logger.child({ module: 'webhook.dispatcher' });
    this.passes = new CoalescedRun(
      () => this.pass(),
      (error) =>
        this.log.warn(
          { err: error },
          'webhook delivery pass failed; trying again at the next poll',
        ),
    );
  }

  start(): void {
    this.stopped = false;
    void this.followFeed();
    this.poll = setInterval(() => this.wake(), this.pollMs);
    this.poll.unref();
    this.wake();
  }

  /** Stops waking and waits for the pass in progress (at most one request deadline per batch). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.poll !== null) {
      clearInterval(this.poll);
      this.poll = null;
    }
    for (const timer of this.retryTimers) {
      clearTimeout(timer);
    }
    this.retryTimers.clear();
    // Ends the feed listener; its loop sees `stopped` and returns without being awaited.
    await this.announcements?.return?.();
    await this.passes.settled();
  }

  /** Runs a pass now, or right after the one in progress. */
  wake(): void {
    if (!this.stopped) {
      this.passes.request();
    }
  }

  private async pass(): Promise<void> {
    for (;;) {
      const claimed = await this.destinations.claim(CLAIM_LIMIT, this.courier.leaseMs, this.token);
      const outcomes = await Promise.all(
        claimed.map((destination) =>
          this.courier
            .deliver(destination, this.token, () => this.stopped)
            .catch((error: unknown) => {
              // Left leased: another pass (here or elsewhere) takes it up when the lease ends.
              this.log.warn(
                { err: error, destinationId: destination.id },
                'webhook delivery failed',
              );
              return { more: false, retryInMs: null };
            }),
        ),
      );
      for (const { retryInMs } of outcomes) {
        if (retryInMs !== null) {
          this.wakeIn(retryInMs);
        }
      }
      if (this.stopped || (claimed.length < CLAIM_LIMIT && !outcomes.some((o) => o.more))) {
        return;
      }
    }
  }

  /** A retry this instance scheduled is taken up on time rather than at the next poll. */
  private wakeIn(delayMs: number): void {
    if (delayMs > MAX_RETRY_TIMER_MS || this.stopped) {
      return;
    }
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      this.wake();
    }, delayMs);
    timer.unref();
    this.retryTimers.add(timer);
  }

  /**
   * The feed's entries serve only as a doorbell: what to send is read from PostgreSQL after
   * each destination's own cursor. Listening again after an error (SUBSCRIBER_TOO_SLOW cannot
   * happen while every entry is only a wake-up, but a Redis outage can end the stream).
   */
  private async followFeed(): Promise<void> {
    while (!this.stopped) {
      const iterator = this.feed.listen({ stream: 'segment' }, null);
      this.announcements = iterator;
      try {
        for (;;) {
          const { done } = await iterator.next();
          if (done) {
            break;
          }
          this.wake();
        }
      } catch (error) {
        this.log.warn({ err: error }, 'change feed listening interrupted; polling meanwhile');
      }
      if (!this.stopped) {
        await new Promise((resolve) => setTimeout(resolve, this.pollMs).unref());
      }
    }
  }
}
