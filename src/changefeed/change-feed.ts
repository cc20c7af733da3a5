import { Repeater } from '@graphql-yoga/subscription';

import type { Postgres } from '../datasources/postgres.js';
import { CoalescedRun } from '../lib/coalesced-run.js';
import { ErrorCode, GatewayError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { GatewayPubSub } from '../subscriptions/pubsub.js';
import {
  ChangeFeedStore,
  compareCursors,
  FEED_STREAMS,
  type FeedEntry,
  type FeedFilter,
  type FeedStream,
} from './change-feed.store.js';

/** The Redis channel that tells every instance the feed has grown (it carries no data). */
export const FEED_ADVANCED = 'c360:topic:change-feed-advanced:v1';

export interface ChangeFeedOptions {
  /** How often the feed is read even without a notification (a lost one, a Redis outage). */
  pollMs: number;
  /** Entries a subscriber may have waiting before it is ended with SUBSCRIBER_TOO_SLOW. */
  maxQueue: number;
}

interface Listener {
  filter: FeedFilter;
  deliver(entry: FeedEntry): void;
}

const PAGE = 1_000;

/**
 * The durable change feed as this instance sees it. Writers append entries inside their
 * transaction ({@link ChangeFeedStore.append}) and call {@link announce} after the commit;
 * every instance then reads the new entries once (a Redis notification, or its own poll when
 * notifications are lost) and hands them to its local subscribers. A subscriber that resumes
 * with a cursor first gets what it missed from PostgreSQL, then the live entries, each once.
 * Each stream is read from its own position (cursors are committed in order per stream), and
 * only while someone here listens to it.
 */
export class ChangeFeed {
  private readonly store: ChangeFeedStore;
  private readonly listeners = new Set<Listener>();
  private readonly log: Logger;
  private readonly positions = new Map<FeedStream, string>();
  private readonly reads: CoalescedRun;
  private timer: NodeJS.Timeout | null = null;
  private notifications: AsyncIterator<unknown> | null = null;
  private stopped = true;

  constructor(
    db: Postgres,
    private readonly pubSub: GatewayPubSub,
    logger: Logger,
    private readonly options: ChangeFeedOptions,
  ) {
    this.store = new ChangeFeedStore(db);
    this.log = logger.child({ module: 'change-feed' });
    this.reads = new CoalescedRun(
      () => this.readNew(),
      (error) =>
        this.log.warn(
          { err: error },
          'reading the change feed failed; trying again at the next poll',
        ),
    );
  }

  async start(): Promise<void> {
    this.stopped = false;
    for (const stream of FEED_STREAMS) {
      this.positions.set(stream, await this.store.head(stream));
    }
    void this.followNotifications();
    this.timer = setInterval(() => this.wake(), this.options.pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
    await this.notifications?.return?.();
    await this.reads.settled();
  }

  /** Call after committing appended entries: every instance reads them at once. */
  announce(): void {
    this.pubSub.publish(FEED_ADVANCED, null);
    this.wake();
  }

  /**
   * The entries matching `filter`: those after `afterCursor` first (when given), then each new
   * one as it is committed, in cursor order and each once. Ends with CURSOR_EXPIRED when
   * retention pruned past `afterCursor`, and with SUBSCRIBER_TOO_SLOW when the consumer falls
   * `maxQueue` entries behind (it resumes from the last cursor it received).
   */
  listen(filter: FeedFilter, afterCursor: string | null): AsyncIterableIterator<FeedEntry> {
    return new Repeater<FeedEntry>(async (push, stop) => {
      let last = afterCursor ?? this.positionOf(filter.stream);
      const queue: FeedEntry[] = [];
      let replaying = afterCursor !== null;
      const send = async (entry: FeedEntry) => {
        if (compareCursors(entry.cursor, last) > 0) {
          last = entry.cursor;
          await push(entry);
        }
      };
      const listener: Listener = {
        filter,
        deliver: (entry) => {
          if (replaying) {
            queue.push(entry);
          } else if (queue.length >= this.options.maxQueue) {
            stop(tooSlow());
          } else {
            queue.push(entry);
            void drain();
          }
        },
      };
      let draining = false;
      const drain = async () => {
        if (draining) {
          return;
        }
        draining = true;
        try {
          while (queue.length > 0) {
            await send(queue.shift()!);
          }
        } finally {
          draining = false;
        }
      };
      // Listen before replaying, so nothing committed meanwhile falls between the two.
      this.listeners.add(listener);
      void stop.then(() => this.listeners.delete(listener));
      try {
        if (afterCursor !== null) {
          await this.replay(filter, afterCursor, send);
        }
      } catch (error) {
        stop(error);
        return;
      }
      replaying = false;
      await drain();
      await stop;
    });
  }

  private async replay(
    filter: FeedFilter,
    afterCursor: string,
    send: (entry: FeedEntry) => Promise<void>,
  ): Promise<void> {
    if (compareCursors(afterCursor, await this.store.prunedThrough()) < 0) {
      throw new GatewayError(
        ErrorCode.CURSOR_EXPIRED,
        'the changes after this cursor are older than the feed keeps; read the current state and subscribe without afterCursor',
      );
    }
    let cursor = afterCursor;
    for (;;) {
      const page = await this.store.readAfter(cursor, filter, PAGE);
      for (const entry of page) {
        await send(entry);
      }
      if (page.length < PAGE) {
        return;
      }
      cursor = page[page.length - 1]!.cursor;
    }
  }

  private wake(): void {
    if (!this.stopped) {
      this.reads.request();
    }
  }

  private async readNew(): Promise<void> {
    await Promise.all(FEED_STREAMS.map((stream) => this.readStream(stream)));
  }

  private async readStream(stream: FeedStream): Promise<void> {
    if (!this.listensTo(stream)) {
      // Nobody here to hand its entries to: skip to the head instead of reading every row.
      // Checked again after the query: a listener that came meanwhile starts from the old
      // position.
      const head = await this.store.head(stream);
      if (!this.listensTo(stream)) {
        this.positions.set(stream, head);
        return;
      }
    }
    for (;;) {
      const page = await this.store.readAfter(this.positionOf(stream), { stream }, PAGE);
      for (const entry of page) {
        this.positions.set(stream, entry.cursor);
        this.dispatch(entry);
      }
      if (page.length < PAGE) {
        return;
      }
    }
  }

  private positionOf(stream: FeedStream): string {
    return this.positions.get(stream) ?? '0';
  }

  private listensTo(stream: FeedStream): boolean {
    return [...this.listeners].some((listener) => listener.filter.stream === stream);
  }

  private dispatch(entry: FeedEntry): void {
    for (const listener of this.listeners) {
      if (matches(listener.filter, entry)) {
        listener.deliver(entry);
      }
    }
  }

  /** Reads the feed on every notification; after a Redis failure, listens again shortly. */
  private async followNotifications(): Promise<void> {
    while (!this.stopped) {
      const iterator = this.pubSub.subscribe(FEED_ADVANCED)[Symbol.asyncIterator]();
      this.notifications = iterator;
      try {
        for (;;) {
          const { done } = await iterator.next();
          if (done) {
            break;
          }
          this.wake();
        }
      } catch (error) {
        this.log.warn({ err: error }, 'feed notifications interrupted; polling until they return');
      }
      if (!this.stopped) {
        await new Promise((resolve) => setTimeout(resolve, this.options.pollMs).unref());
      }
    }
  }
}

export function matches(filter: FeedFilter, entry: FeedEntry): boolean {
  return (
    entry.stream === filter.stream &&
    (filter.segmentIds == null ||
      (entry.segmentId !== null && filter.segmentIds.includes(entry.segmentId))) &&
    (filter.customerId == null || entry.customerId === filter.customerId)
  );
}

function tooSlow(): GatewayError {
  return new GatewayError(
    ErrorCode.SUBSCRIBER_TOO_SLOW,
    'this subscription fell too far behind; subscribe again with afterCursor set to the last cursor received',
  );
}
