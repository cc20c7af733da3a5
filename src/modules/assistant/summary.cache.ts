import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';

import type { Logger } from '../../logger.js';
import type { Answer } from './assistant.kinds.js';

/**
 * Summaries by customer and data version, shared by every instance through Redis (in-process
 * without Redis). The version is a digest of the facts as the asking key may read them, so a
 * change to the data, or a key of other scopes, finds no entry and a new summary is written.
 * One hash per customer, so erasure forgets every version with one DEL. A failing cache is a
 * miss: the summary is written again.
 */
export interface SummaryCache {
  get(customerId: string, version: string): Promise<Answer | undefined>;
  put(customerId: string, version: string, summary: Answer): Promise<void>;
  forget(customerIds: readonly string[]): Promise<void>;
}

/** The Redis key of one customer's summaries; exported so tests can look for it. */
export const summaryKey = (customerId: string) => `c360:assistant:summary:v1:${customerId}`;

const revive = (text: string): Answer => {
  const answer = JSON.parse(text) as Answer;
  return { ...answer, generatedAt: new Date(answer.generatedAt) };
};

export class RedisSummaryCache implements SummaryCache {
  private failing = false;

  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds: number,
    private readonly logger: Logger,
  ) {}

  async get(customerId: string, version: string): Promise<Answer | undefined> {
    try {
      const cached = await this.redis.hget(summaryKey(customerId), version);
      this.failing = false;
      return cached === null ? undefined : revive(cached);
    } catch (error) {
      this.failed(error);
      return undefined;
    }
  }

  async put(customerId: string, version: string, summary: Answer): Promise<void> {
    try {
      await this.redis
        .multi()
        .hset(summaryKey(customerId), version, JSON.stringify(summary))
        .expire(summaryKey(customerId), this.ttlSeconds)
        .exec();
    } catch (error) {
      this.failed(error);
    }
  }

  async forget(customerIds: readonly string[]): Promise<void> {
    if (customerIds.length > 0) {
      // A failure fails the applier, so that the relay retries it: an erased customer's
      // summary must not outlive the erasure by the TTL.
      await this.redis.del(...customerIds.map(summaryKey));
    }
  }

  private failed(error: unknown): void {
    if (!this.failing) {
      this.failing = true;
      this.logger.warn(
        { err: error instanceof Error ? error.message : String(error) },
        'summary cache unavailable; writing every summary',
      );
    }
  }
}

/** The single-instance fallback (no Redis). */
export class MemorySummaryCache implements SummaryCache {
  private readonly entries: LRUCache<string, Answer>;

  constructor(ttlSeconds: number) {
    this.entries = new LRUCache({ max: 10_000, ttl: ttlSeconds * 1_000 });
  }

  get(customerId: string, version: string): Promise<Answer | undefined> {
    return Promise.resolve(this.entries.get(`${customerId}:${version}`));
  }

  put(customerId: string, version: string, summary: Answer): Promise<void> {
    this.entries.set(`${customerId}:${version}`, summary);
    return Promise.resolve();
  }

  forget(customerIds: readonly string[]): Promise<void> {
    const gone = new Set(customerIds);
    for (const key of [...this.entries.keys()]) {
      if (gone.has(key.slice(0, key.indexOf(':')))) {
        this.entries.delete(key);
      }
    }
    return Promise.resolve();
  }
}
