import { ErrorCode, GatewayError } from '../errors.js';
import type { Logger } from '../logger.js';

/** What {@link RedisChannels} needs of an ioredis connection kept for SUBSCRIBE alone. */
export interface SubscriberConnection {
  readonly status: string;
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  on(event: 'ready' | 'end', listener: () => void): unknown;
  subscribe(...channels: string[]): Promise<unknown>;
  unsubscribe(...channels: string[]): Promise<unknown>;
}

/** One subscription's ends: where messages of its channel go, and how it is ended. */
export interface ChannelListener {
  deliver(message: string): void;
  fail(error: GatewayError): void;
}

/**
 * The Redis channels this instance listens on, kept in step with one subscriber connection.
 *
 * The channels wanted are those with listeners, and only this map says which they are: each
 * time the connection becomes ready (at start and after every reconnect, on a fresh connection
 * that has none), it SUBSCRIBEs them all, so a SUBSCRIBE lost to an outage (or never sent,
 * because the connection was down when the first listener came) is sent again once Redis is
 * back. ioredis' own resubscription must be off: it replays only SUBSCRIBEs that succeeded,
 * and would also replay channels left while the connection was down.
 *
 * When subscribing cannot succeed by waiting, because Redis answered SUBSCRIBE with an error
 * (an ACL, a proxy that refuses it) or the connection has ended for good, the listeners are
 * failed with REDIS_UNAVAILABLE and forgotten, so their clients learn it and subscribe again,
 * which tries afresh. A subscription is never left silently deaf.
 */
export class RedisChannels {
  private readonly listeners = new Map<string, Set<ChannelListener>>();
  private ended = false;

  constructor(
    private readonly connection: SubscriberConnection,
    private readonly log?: Logger,
  ) {
    connection.on('message', (channel, message) => this.dispatch(channel, message));
    connection.on('ready', () => {
      this.ended = false;
      const wanted = [...this.listeners.keys()];
      if (wanted.length > 0) {
        this.log?.info({ channels: wanted.length }, 'redis subscriber ready; subscribing');
        this.subscribe(wanted);
      }
    });
    connection.on('end', () => {
      this.ended = true;
      this.fail([...this.listeners.keys()], 'redis subscriber connection ended');
    });
  }

  /** Starts delivering `channel`'s messages to `listener`; returns what stops it. */
  listen(channel: string, listener: ChannelListener): () => void {
    if (this.ended) {
      listener.fail(unavailable());
      return () => undefined;
    }
    let listeners = this.listeners.get(channel);
    if (listeners === undefined) {
      listeners = new Set();
      this.listeners.set(channel, listeners);
      this.subscribe([channel]);
    }
    listeners.add(listener);
    const mine = listeners;
    return () => {
      // A failed channel was forgotten, and may have new listeners since: leave those alone.
      if (!mine.delete(listener) || mine.size > 0 || this.listeners.get(channel) !== mine) {
        return;
      }
      this.listeners.delete(channel);
      if (this.connection.status === 'ready') {
        // Failing is harmless: a reconnect starts with no channel, and a stray message is dropped.
        this.connection.unsubscribe(channel).catch((error: unknown) => {
          this.log?.warn({ err: messageOf(error), channel }, 'redis UNSUBSCRIBE failed');
        });
      }
    };
  }

  /** How many channels have listeners (for logs and tests). */
  get size(): number {
    return this.listeners.size;
  }

  private subscribe(channels: string[]): void {
    // Not connected: nothing is sent now, the next 'ready' subscribes every wanted channel.
    if (this.connection.status !== 'ready') {
      this.log?.warn(
        { channels, status: this.connection.status },
        'redis subscriber not connected; subscribing once it is',
      );
      return;
    }
    this.connection.subscribe(...channels).catch((error: unknown) => {
      if (isReply(error)) {
        this.fail(channels, `redis refused SUBSCRIBE: ${messageOf(error)}`);
      } else {
        // The connection failed under it: the reconnect's 'ready' subscribes again.
        this.log?.warn(
          { err: messageOf(error), channels },
          'redis SUBSCRIBE failed; subscribing again once reconnected',
        );
      }
    });
  }

  private fail(channels: string[], reason: string): void {
    for (const channel of channels) {
      const listeners = this.listeners.get(channel);
      if (listeners === undefined) {
        continue;
      }
      this.listeners.delete(channel);
      this.log?.error(
        { channel, subscriptions: listeners.size, reason },
        'ending subscriptions: redis cannot deliver their channel',
      );
      for (const listener of listeners) {
        listener.fail(unavailable());
      }
    }
  }

  private dispatch(channel: string, message: string): void {
    for (const listener of this.listeners.get(channel) ?? []) {
      try {
        listener.deliver(message);
      } catch (error) {
        // One subscription that cannot take it (too far behind) must not starve the others.
        this.log?.warn({ err: messageOf(error), channel }, 'subscription event dropped');
      }
    }
  }
}

function unavailable(): GatewayError {
  return new GatewayError(ErrorCode.REDIS_UNAVAILABLE, 'redis is unavailable; subscribe again');
}

/** Redis answered with an error (ioredis' ReplyError): retrying the same command will not help. */
function isReply(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
