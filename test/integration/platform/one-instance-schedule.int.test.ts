import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';

import { Redis } from 'ioredis';

import { createSilentLogger } from '../../../src/logger.js';
import { OneInstanceSchedule } from '../../../src/scheduling/one-instance.schedule.js';
import { TEST_SERVICES } from '../../support/services.js';
import { until } from '../../support/until.js';

/*
 * The time tick, refits and prediction rescoring run on one instance per period, chosen by a
 * Redis lock. Two schedules here stand for two gateway instances sharing one Redis.
 */
describe('a schedule that runs on one instance', () => {
  const PERIOD_MS = 1_500;
  // What the schedule gives its lock: the period less a tenth.
  const LOCK_MS = 1_350;
  let redis: Redis;

  before(() => {
    redis = new Redis(TEST_SERVICES.redisUrl, { lazyConnect: false });
  });

  after(async () => {
    await redis.quit();
  });

  const instances = () => {
    const deployment = `test-${randomUUID()}`;
    const runs = { a: 0, b: 0 };
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const schedule = (name: 'a' | 'b', work: () => Promise<void>) =>
      new OneInstanceSchedule(
        {
          lockKey: 'c360:lock:test-schedule',
          deployment,
          periodMs: PERIOD_MS,
          redis,
          logger: createSilentLogger(),
          failure: 'test run failed',
        },
        async () => {
          runs[name] += 1;
          await work();
        },
      );
    return {
      a: schedule('a', () => gate),
      b: schedule('b', async () => undefined),
      runs,
      release,
      lockKey: `c360:lock:test-schedule:${deployment}`,
    };
  };

  /** Starts a's run and resolves once it is under way, with the promise of its end. */
  const running = async (a: OneInstanceSchedule, runs: { a: number }) => {
    const ended = a.tick();
    await until(
      async () => runs.a,
      (n) => n === 1,
      5_000,
    );
    return { ended };
  };

  it('a run longer than its period keeps the lock: no other instance starts beside it', async () => {
    const { a, b, runs, release, lockKey } = instances();
    const { ended: first } = await running(a, runs);
    // Well past the moment the lock taken at the start would have expired on its own.
    await sleep(LOCK_MS * 2.5);
    await b.tick();
    assert.equal(runs.b, 0, 'the other instance ran while the first run was still going');
    assert.ok((await redis.pttl(lockKey)) > 0, 'the running instance lost its lock');
    release();
    await first;

    // Past its first expiry, a run gives the lock back when it ends: the next period is open.
    assert.equal(await redis.exists(lockKey), 0);
    await b.tick();
    assert.equal(runs.b, 1);
  });

  it('a run kept alive ends with the lock it first took, not a period more', async () => {
    const { a, runs, release, lockKey } = instances();
    const { ended: first } = await running(a, runs);
    // Long enough for one extension (every third of the lock), short of the first expiry.
    await sleep(LOCK_MS / 2);
    release();
    await first;
    const left = await redis.pttl(lockKey);
    assert.ok(left > 0 && left <= LOCK_MS / 2, `the lock still had ${left} ms`);
  });

  it('a lock that lapsed is not extended over another instance’s', async () => {
    const { a, b, runs, release, lockKey } = instances();
    const { ended: first } = await running(a, runs);
    // As if a's Redis connection stalled past its lock: b's period came and took it.
    await redis.del(lockKey);
    await b.tick();
    assert.equal(runs.b, 1);
    await redis.set(lockKey, 'another instance', 'PX', LOCK_MS);
    await sleep(LOCK_MS / 2);
    assert.equal(await redis.get(lockKey), 'another instance');
    assert.ok(
      (await redis.pttl(lockKey)) < LOCK_MS / 2 + 100,
      'a extended a lock it no longer held',
    );
    release();
    await first;
  });
});
