import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { Redis } from 'ioredis';

import { createSilentLogger } from '../../../src/logger.js';
import {
  MemoryRecommendationCache,
  type RecommendationCache,
  RedisRecommendationCache,
} from '../../../src/modules/recommendation/recommendation.cache.js';
import type { Recommendation } from '../../../src/modules/recommendation/recommendation.service.js';
import { TEST_SERVICES } from '../../support/services.js';

const answer = (itemId: string): Recommendation[] => [
  {
    itemId,
    itemKind: 'product',
    score: 0.5,
    reasons: [],
    sources: [],
    requestId: randomUUID(),
    modelVersion: 'test',
    variant: 'control',
    computedAt: new Date('2026-12-07T10:00:00Z'),
  },
];

/**
 * The cache's contract, on Redis (shared by instances) and in memory (one instance): an answer
 * whose computation began before a customer was forgotten (a purchase was stored, a vector
 * recomputed) is never stored after the forget, so it cannot outlive the change.
 */
for (const kind of ['redis', 'memory'] as const) {
  describe(`the recommendation cache (${kind})`, () => {
    let redis: Redis | null = null;
    let cache: RecommendationCache;
    const customers: string[] = [];
    const customer = () => {
      const id = randomUUID();
      customers.push(id);
      return id;
    };

    before(async () => {
      if (kind === 'redis') {
        redis = new Redis(TEST_SERVICES.redisUrl, { lazyConnect: true });
        await redis.connect();
        cache = new RedisRecommendationCache(redis, createSilentLogger());
      } else {
        cache = new MemoryRecommendationCache();
      }
    });

    after(async () => {
      if (redis !== null) {
        await cache.forget(customers);
        await redis.del(...customers.map((id) => `c360:cache:recommendations:v1:${id}`));
        await redis.quit();
      }
    });

    it('serves an answer stored after a miss, per request', async () => {
      const id = customer();
      const miss = await cache.get(id, 'homepage');
      assert.equal(miss.answer, undefined);
      const computed = answer('tent');
      await cache.put(id, 'homepage', computed, miss.ticket);
      assert.deepEqual((await cache.get(id, 'homepage')).answer, computed, 'dates revived too');
      assert.equal((await cache.get(id, 'cart')).answer, undefined);
    });

    it('refuses an answer computed from before a forget, whether or not one was cached', async () => {
      const fresh = customer();
      const lookup = await cache.get(fresh, 'homepage');
      await cache.forget([fresh]);
      await cache.put(fresh, 'homepage', answer('stale'), lookup.ticket);
      assert.equal((await cache.get(fresh, 'homepage')).answer, undefined, 'nothing cached before');

      const known = customer();
      await cache.put(
        known,
        'homepage',
        answer('tent'),
        (await cache.get(known, 'homepage')).ticket,
      );
      const before = await cache.get(known, 'cart');
      await cache.forget([known]);
      await cache.put(known, 'cart', answer('stale'), before.ticket);
      assert.equal((await cache.get(known, 'cart')).answer, undefined, 'refused after the forget');
      assert.equal((await cache.get(known, 'homepage')).answer, undefined, 'forgotten');

      const after = await cache.get(known, 'cart');
      await cache.put(known, 'cart', answer('bag'), after.ticket);
      assert.equal(
        (await cache.get(known, 'cart')).answer?.[0]?.itemId,
        'bag',
        'stored once computed after',
      );
    });

    it('forgets only the customers it is told of', async () => {
      const [a, b] = [customer(), customer()];
      const lookupA = await cache.get(a, 'homepage');
      const lookupB = await cache.get(b, 'homepage');
      await cache.forget([a]);
      await cache.put(a, 'homepage', answer('stale'), lookupA.ticket);
      await cache.put(b, 'homepage', answer('lantern'), lookupB.ticket);
      assert.equal((await cache.get(a, 'homepage')).answer, undefined);
      assert.equal((await cache.get(b, 'homepage')).answer?.[0]?.itemId, 'lantern');
    });
  });
}
