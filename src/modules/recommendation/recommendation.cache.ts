import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';

import type { Logger } from '../../logger.js';
import type { Recommendation } from './recommendation.service.js';

/**
 * Answers per customer and request, shared by every instance through Redis (in-process
 * without Redis). One hash per customer holds its answers, so forgetting a customer is one
 * DEL: the recommendation module does that when the customer's events, merges or profile
 * change, so a new purchase changes the next answer as soon as the relay has applied it.
 * A failing cache is a miss: the answer is computed.
 */
export interface RecommendationCache {
  get(customerId: string, requestKey: string): Promise<Recommendation[] | undefined>;
  put(customerId: string, requestKey: string, answer: readonly Recommendation[]): Promise<void>;
  forget(customerIds: readonly string[]): Promise<void>;
}

/** How long an answer may be served when nothing of the customer changes. */
const TTL_SECONDS = 600;
const hashKey = (customerId: string) => `c360:cache:recommendations:v1:${customerId}`;

const revive = (text: string): Recommendation[] =>
  (JSON.parse(text) as Recommendation[]).map((r) => ({ ...r, computedAt: new Date(r.computedAt) }));

export class RedisRecommendationCache implements RecommendationCache {
  private failing = false;

  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
  ) {}

  async get(customerId: string, requestKey: string): Promise<Recommendation[] | undefined> {
    try {
      const cached = await this.redis.hget(hashKey(customerId), requestKey);
      this.failing = false;
      return cached === null ? undefined : revive(cached);
    } catch (error) {
      this.failed(error);
      return undefined;
    }
  }

  async put(
    customerId: string,
    requestKey: string,
    answer: readonly Recommendation[],
  ): Promise<void> {
    try {
      await this.redis
        .multi()
        .hset(hashKey(customerId), requestKey, JSON.stringify(answer))
        .expire(hashKey(customerId), TTL_SECONDS)
        .exec();
    } catch (error) {
      this.failed(error);
    }
  }

  async forget(customerIds: readonly string[]): Promise<void> {
    if (customerIds.length > 0) {
      // A failure here must fail the applier, so that the relay retries it: a stale answer
      // would otherwise outlive the change that invalidated it by the whole TTL.
      await this.redis.del(...customerIds.map(hashKey));
    }
  }

  private failed(error: unknown): void {
    if (!this.failing) {
      this.failing = true;
      this.logger.warn(
        { err: error instanceof Error ? error.message : String(error) },
        'recommendation cache unavailable; computing every answer',
      );
    }
  }
}

/** The single-instance fallback: the same contract in this process's memory. */
export class MemoryRecommendationCache implements RecommendationCache {
  private readonly answers = new LRUCache<string, Map<string, Recommendation[]>>({
    max: 10_000,
    ttl: TTL_SECONDS * 1000,
  });

  get(customerId: string, requestKey: string): Promise<Recommendation[] | undefined> {
    return Promise.resolve(this.answers.get(customerId)?.get(requestKey));
  }

  put(customerId: string, requestKey: string, answer: readonly Recommendation[]): Promise<void> {
    const answers = this.answers.get(customerId) ?? new Map<string, Recommendation[]>();
    answers.set(requestKey, [...answer]);
    this.answers.set(customerId, answers);
    return Promise.resolve();
  }

  forget(customerIds: readonly string[]): Promise<void> {
    for (const id of customerIds) {
      this.answers.delete(id);
    }
    return Promise.resolve();
  }
}
