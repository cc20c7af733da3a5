import type { Redis } from 'ioredis';

import type { Logger } from '../../logger.js';
import type { ActiveKey } from './api-key.store.js';

/**
 * A short-lived cache of key lookups, keyed by the hex SHA-256 of the secret. `null` is a
 * cached "no such (active) key". A failing cache is a miss, never a grant: callers fall back
 * to PostgreSQL.
 */
export interface KeyCache {
  get(hashHex: string): Promise<ActiveKey | null | undefined>;
  /**
   * Caches a lookup unless an entry exists: a lookup that read PostgreSQL just before a revoke
   * committed must not overwrite the revoke's marker with the old answer.
   */
  remember(hashHex: string, value: ActiveKey | null): Promise<void>;
  /** Replaces any entry with "no such key"; rejects when that cannot be confirmed. */
  markRevoked(hashHex: string): Promise<void>;
}

const redisKey = (hashHex: string) => `c360:cache:api-key:v1:${hashHex}`;

/**
 * The cache shared by every gateway instance, so a revoke on one is seen by all at once. While
 * Redis is down lookups go to PostgreSQL; the outage is logged once, not per request.
 */
export class RedisKeyCache implements KeyCache {
  private readonly log: Logger;
  private failing = false;

  constructor(
    private readonly redis: Redis,
    private readonly ttlMs: number,
    logger: Logger,
  ) {
    this.log = logger.child({ module: 'api-key.cache' });
  }

  async get(hashHex: string): Promise<ActiveKey | null | undefined> {
    try {
      const cached = await this.redis.get(redisKey(hashHex));
      this.recovered();
      return cached === null ? undefined : (JSON.parse(cached) as ActiveKey | null);
    } catch (error) {
      this.failed(error);
      return undefined;
    }
  }

  async remember(hashHex: string, value: ActiveKey | null): Promise<void> {
    try {
      await this.redis.set(redisKey(hashHex), JSON.stringify(value), 'PX', this.ttlMs, 'NX');
    } catch (error) {
      this.failed(error);
    }
  }

  async markRevoked(hashHex: string): Promise<void> {
    await this.redis.set(redisKey(hashHex), 'null', 'PX', this.ttlMs);
  }

  private failed(error: unknown): void {
    if (!this.failing) {
      this.failing = true;
      this.log.warn(
        { err: error instanceof Error ? error.message : String(error) },
        'api key cache unavailable; checking keys in postgres',
      );
    }
  }

  private recovered(): void {
    if (this.failing) {
      this.failing = false;
      this.log.info('api key cache available again');
    }
  }
}

/** For a single instance without Redis: a bounded in-process map with the same lifetime. */
export class MemoryKeyCache implements KeyCache {
  private readonly entries = new Map<string, { value: ActiveKey | null; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 1_000,
  ) {}

  get(hashHex: string): Promise<ActiveKey | null | undefined> {
    const entry = this.entries.get(hashHex);
    if (entry === undefined || entry.expiresAt <= Date.now()) {
      this.entries.delete(hashHex);
      return Promise.resolve(undefined);
    }
    return Promise.resolve(entry.value);
  }

  remember(hashHex: string, value: ActiveKey | null): Promise<void> {
    const existing = this.entries.get(hashHex);
    if (existing !== undefined && existing.expiresAt > Date.now()) {
      return Promise.resolve();
    }
    // Oldest first out: a flood of made-up keys cannot grow the map without bound.
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) {
        this.entries.delete(oldest.value);
      }
    }
    this.entries.set(hashHex, { value, expiresAt: Date.now() + this.ttlMs });
    return Promise.resolve();
  }

  markRevoked(hashHex: string): Promise<void> {
    this.entries.set(hashHex, { value: null, expiresAt: Date.now() + this.ttlMs });
    return Promise.resolve();
  }
}

/**
 * Redis when there is one (shared, so a revoke is seen by every instance at once), else this
 * process's memory.
 */
export function createKeyCache(redis: Redis | null, ttlMs: number, logger: Logger): KeyCache {
  return redis ? new RedisKeyCache(redis, ttlMs, logger) : new MemoryKeyCache(ttlMs);
}
