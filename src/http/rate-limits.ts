import type { IncomingMessage } from 'node:http';

import type { Redis } from 'ioredis';
import proxyaddr from 'proxy-addr';
import {
  type IRateLimiterOptions,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';

import type { Logger } from '../logger.js';

export interface RateLimitSettings {
  perKeyPerMinute: number;
  failedAuthPerMinute: number;
  keyMaxConcurrent: number;
  /** Proxies whose X-Forwarded-For is believed (TRUST_PROXY); empty: none. */
  trustProxy: readonly string[];
}

/** Which limit refused: operations per key, failed authentications, operations at once. */
export type RateLimitName = 'per_key' | 'failed_auth' | 'concurrent';

/** Seconds to wait before retrying, or null when the request may go on. */
export type Verdict = number | null;

/**
 * The limits every operation passes before it runs, on HTTP and graphql-ws alike:
 * - operations per key and minute, counted in Redis so every instance shares them (in this
 *   process without REDIS_URL, or while Redis is down: an outage never lifts the limit);
 * - failed authentications per client address and minute, so keys cannot be guessed quickly;
 * - operations one key runs at once on this instance: one noisy key cannot hold every pooled
 *   database connection.
 */
export class RateLimits {
  private readonly perKey;
  private readonly failedAuth;
  private readonly running = new Map<string, number>();
  private readonly trusted: ((address: string, hop: number) => boolean) | null;

  /**
   * @param onRefused called with the limit each time one refuses (metrics); must not throw.
   */
  constructor(
    redis: Redis | null,
    private readonly settings: RateLimitSettings,
    private readonly logger: Logger,
    private readonly onRefused: (limit: RateLimitName) => void = () => undefined,
  ) {
    this.perKey = limiter(redis, { keyPrefix: 'c360:rl:key', points: settings.perKeyPerMinute });
    this.failedAuth = limiter(redis, {
      keyPrefix: 'c360:rl:auth',
      points: settings.failedAuthPerMinute,
    });
    this.trusted =
      settings.trustProxy.length > 0 ? proxyaddr.compile([...settings.trustProxy]) : null;
  }

  /**
   * The client address a request's failed authentications count against: the connection's
   * peer, or, when that peer is a trusted proxy, the nearest address in X-Forwarded-For that is
   * not one (so a client cannot name an address of its choosing by sending the header itself).
   * Without it, every client behind a proxy would share the proxy's budget.
   */
  addressOf(request: IncomingMessage): string {
    return this.trusted === null
      ? (request.socket.remoteAddress ?? 'unknown')
      : proxyaddr(request, this.trusted);
  }

  /** Whether `address` has used up its failed authentications (checked before any lookup). */
  async addressRefused(address: string): Promise<Verdict> {
    const state = await this.failedAuth.get(address).catch(() => null);
    if (state !== null && state.remainingPoints <= 0) {
      this.onRefused('failed_auth');
      return secondsOf(state);
    }
    return null;
  }

  /** Counts a failed authentication of `address`. */
  async authFailed(address: string): Promise<Verdict> {
    return this.consume(this.failedAuth, address, 'failed_auth');
  }

  /** Counts one operation of the key. */
  async admitKey(keyId: string): Promise<Verdict> {
    return this.consume(this.perKey, keyId, 'per_key');
  }

  /** Reserves one running operation for the key; returns its release, or null when full. */
  enter(keyId: string): (() => void) | null {
    const running = this.running.get(keyId) ?? 0;
    if (running >= this.settings.keyMaxConcurrent) {
      this.onRefused('concurrent');
      return null;
    }
    this.running.set(keyId, running + 1);
    let released = false;
    return () => {
      if (!released) {
        released = true;
        const left = (this.running.get(keyId) ?? 1) - 1;
        if (left === 0) {
          this.running.delete(keyId);
        } else {
          this.running.set(keyId, left);
        }
      }
    };
  }

  private async consume(
    limiterOf: RateLimiterRedis | RateLimiterMemory,
    key: string,
    name: RateLimitName,
  ): Promise<Verdict> {
    try {
      await limiterOf.consume(key);
      return null;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        this.logger.warn({ limiter: limiterOf.keyPrefix }, 'rate limit reached');
        this.onRefused(name);
        return secondsOf(rejection);
      }
      throw rejection;
    }
  }
}

function limiter(
  redis: Redis | null,
  options: Pick<IRateLimiterOptions, 'keyPrefix' | 'points'>,
): RateLimiterRedis | RateLimiterMemory {
  const common = { ...options, duration: 60 };
  if (redis === null) {
    return new RateLimiterMemory(common);
  }
  // While Redis is down each instance counts alone: still limited, never waved through.
  return new RateLimiterRedis({
    ...common,
    storeClient: redis,
    insuranceLimiter: new RateLimiterMemory(common),
  });
}

function secondsOf(state: RateLimiterRes): number {
  return Math.max(1, Math.ceil(state.msBeforeNext / 1000));
}
