import { randomUUID } from 'node:crypto';

import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';

import type { Logger } from '../../logger.js';
import type { Recommendation } from './recommendation.service.js';

/**
 * What a lookup found, and the ticket a `put` of a freshly computed answer must show: the
 * answer is stored only if nothing forgot the customer in between (a computation that began
 * before a purchase must not store its answer after the purchase's forget).
 */
export interface CacheLookup {
  answer: Recommendation[] | undefined;
  ticket: CacheTicket;
}

/** Opaque: which forget of the customer the lookup saw last. */
export type CacheTicket = unknown;

/**
 * Answers per customer and request, shared by every instance through Redis (in-process
 * without Redis). One hash per customer holds its answers, so forgetting a customer is one
 * write: the writer of a customer's events does that right after its commit (its caller's
 * next answer sees the write), and the recommendation module again once the relay has
 * recomputed what derives from them (preference vectors), or after merges and erasure.
 * A failing cache is a miss: the answer is computed.
 */
export interface RecommendationCache {
  get(customerId: string, requestKey: string): Promise<CacheLookup>;
  /** Stores the answer unless the customer was forgotten since the lookup that gave `ticket`. */
  put(
    customerId: string,
    requestKey: string,
    answer: readonly Recommendation[],
    ticket: CacheTicket,
  ): Promise<void>;
  forget(customerIds: readonly string[]): Promise<void>;
}

/** How long an answer may be served when nothing of the customer changes. */
const TTL_SECONDS = 600;
/**
 * How long a forget is remembered when no answer is stored after it: longer than any
 * computation that could have begun before it takes (a late `put` is then refused).
 */
const FORGET_TTL_SECONDS = 60;
const hashKey = (customerId: string) => `c360:cache:recommendations:v1:${customerId}`;
/**
 * The hash field that holds the token of the customer's last forget (answer fields are
 * base64url digests, so no request key is this). Instances of an earlier release ignore it:
 * their forget (a DEL) still forgets, but their store does not check it, so during a rolling
 * upgrade an old instance can still store an answer computed before a forget (until the TTL).
 */
const FORGOTTEN = '~forgotten';

/** Sets the answer only when the hash's forget token is still the one the lookup saw. */
const PUT_IF_NOT_FORGOTTEN = `
local seen = redis.call('HGET', KEYS[1], ARGV[1]) or ''
if seen ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[3], ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return 1`;

interface RedisWithPut extends Redis {
  c360PutRecommendation(
    key: string,
    field: string,
    ticket: string,
    requestKey: string,
    answer: string,
    ttlSeconds: number,
  ): Promise<number>;
}

/** The ticket of a lookup that failed: what is computed meanwhile is not stored. */
const UNSTORABLE = Symbol('unstorable');

const revive = (text: string): Recommendation[] =>
  (JSON.parse(text) as Recommendation[]).map((r) => ({ ...r, computedAt: new Date(r.computedAt) }));

export class RedisRecommendationCache implements RecommendationCache {
  private failing = false;
  private readonly redis: RedisWithPut;

  constructor(
    redis: Redis,
    private readonly logger: Logger,
  ) {
    // ioredis sends it by its SHA, and the script itself once after a NOSCRIPT.
    redis.defineCommand('c360PutRecommendation', { numberOfKeys: 1, lua: PUT_IF_NOT_FORGOTTEN });
    this.redis = redis as RedisWithPut;
  }

  async get(customerId: string, requestKey: string): Promise<CacheLookup> {
    try {
      const [forgotten, cached] = await this.redis.hmget(
        hashKey(customerId),
        FORGOTTEN,
        requestKey,
      );
      this.failing = false;
      return { answer: cached ? revive(cached) : undefined, ticket: forgotten ?? '' };
    } catch (error) {
      this.failed(error);
      return { answer: undefined, ticket: UNSTORABLE };
    }
  }

  async put(
    customerId: string,
    requestKey: string,
    answer: readonly Recommendation[],
    ticket: CacheTicket,
  ): Promise<void> {
    if (ticket === UNSTORABLE) {
      return;
    }
    try {
      await this.redis.c360PutRecommendation(
        hashKey(customerId),
        FORGOTTEN,
        String(ticket),
        requestKey,
        JSON.stringify(answer),
        TTL_SECONDS,
      );
    } catch (error) {
      this.failed(error);
    }
  }

  async forget(customerIds: readonly string[]): Promise<void> {
    if (customerIds.length === 0) {
      return;
    }
    // A failure here must fail the caller (the relay retries its applier): a stale answer
    // would otherwise outlive the change that invalidated it by the whole TTL.
    const token = randomUUID();
    const forgets = this.redis.multi();
    for (const id of new Set(customerIds)) {
      forgets
        .del(hashKey(id))
        .hset(hashKey(id), FORGOTTEN, token)
        .expire(hashKey(id), FORGET_TTL_SECONDS);
    }
    const replies = await forgets.exec();
    const failed = replies?.find(([error]) => error !== null);
    if (replies === null || failed) {
      throw failed?.[0] ?? new Error('the recommendation cache forget was discarded');
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

/**
 * The single-instance fallback: the same contract in this process's memory. The ticket is the
 * customer's map of answers itself: a forget leaves a new, empty one, so a `put` holding the old entry
 * (or none) is refused. Forgets share the LRU's room with answers: a burst of writes for more
 * customers than it holds can evict a fresh forget, and a late `put` that saw no entry is then
 * stored (the next write or the TTL forgets it).
 */
export class MemoryRecommendationCache implements RecommendationCache {
  private readonly answers = new LRUCache<string, Map<string, Recommendation[]>>({
    max: 10_000,
    ttl: TTL_SECONDS * 1000,
  });

  get(customerId: string, requestKey: string): Promise<CacheLookup> {
    const entry = this.answers.get(customerId);
    return Promise.resolve({ answer: entry?.get(requestKey), ticket: entry });
  }

  put(
    customerId: string,
    requestKey: string,
    answer: readonly Recommendation[],
    ticket: CacheTicket,
  ): Promise<void> {
    const entry = this.answers.get(customerId);
    if (entry !== ticket) {
      return Promise.resolve();
    }
    const answers = entry ?? new Map<string, Recommendation[]>();
    answers.set(requestKey, [...answer]);
    this.answers.set(customerId, answers);
    return Promise.resolve();
  }

  forget(customerIds: readonly string[]): Promise<void> {
    for (const id of customerIds) {
      this.answers.set(id, new Map());
    }
    return Promise.resolve();
  }
}
