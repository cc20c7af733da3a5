import { randomUUID } from 'node:crypto';

import type { Redis } from 'ioredis';

import type { Logger } from '../logger.js';

export interface OneInstanceScheduleOptions {
  /** The Redis key of the lock (prefixed `c360:lock:` by convention). */
  lockKey: string;
  /**
   * Which deployment the lock is for (PlatformSettings.deployment): instances of different
   * deployments (or test apps on different databases) sharing one Redis must not take turns.
   */
  deployment: string;
  periodMs: number;
  /** `null` on the in-process fallback: one instance, which always runs. */
  redis: Redis | null;
  logger: Logger;
  /** What a failed run is logged as. */
  failure: string;
}

/**
 * Extends the lock only while it is still the holder's own (a compare and extend: a holder
 * whose lock expired must not extend another instance's).
 */
const EXTEND_IF_HELD = `if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0`;

/** Gives a held lock the time left (ARGV[2] ms) until its first expiry, or releases it. */
const SETTLE_IF_HELD = `if redis.call('get', KEYS[1]) ~= ARGV[1] then
  return 0
end
if tonumber(ARGV[2]) > 0 then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return redis.call('del', KEYS[1])`;

/**
 * Runs work every period on exactly one instance: each instance tries to take a Redis lock
 * that expires a little before the next period, so whoever takes it runs and the others skip
 * that period. A run longer than that keeps its lock alive while it lasts, so no other
 * instance starts beside it, and then gives it back (the next period is open to all). An
 * instance that dies mid-run leaves the lock to expire; a later period runs elsewhere. A run
 * still going when the next period comes is not doubled.
 */
export class OneInstanceSchedule {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  /** Tells this instance's lock from another's, whatever host or process each runs in. */
  private readonly token = randomUUID();

  constructor(
    private readonly options: OneInstanceScheduleOptions,
    private readonly work: () => Promise<unknown>,
  ) {}

  start(): void {
    if (this.options.periodMs > 0) {
      this.timer ??= setInterval(() => void this.tick(), this.options.periodMs);
      this.timer.unref();
    }
  }

  async stop(): Promise<void> {
    if (this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
    await this.running;
  }

  /** One period's turn: runs the work if this instance takes the lock. */
  async tick(): Promise<void> {
    if (this.running !== null) {
      return;
    }
    let held: {
      redis: Redis;
      lockKey: string;
      deadline: number;
      keepAlive: NodeJS.Timeout;
    } | null = null;
    try {
      const { redis, periodMs } = this.options;
      if (redis !== null) {
        const lockKey = `${this.options.lockKey}:${this.options.deployment}`;
        const ttlMs = Math.round(Math.max(periodMs - Math.min(5_000, periodMs / 10), 500));
        if ((await redis.set(lockKey, this.token, 'PX', ttlMs, 'NX')) !== 'OK') {
          return;
        }
        // Three chances to extend before it would lapse; none after it was lost.
        const keepAlive = setInterval(() => {
          void this.extend(redis, lockKey, ttlMs).then((ours) => ours || clearInterval(keepAlive));
        }, ttlMs / 3);
        keepAlive.unref();
        held = { redis, lockKey, deadline: performance.now() + ttlMs, keepAlive };
      }
      this.running = this.work();
      await this.running;
    } catch (error) {
      this.options.logger.error({ err: error }, this.options.failure);
    } finally {
      if (held !== null) {
        clearInterval(held.keepAlive);
        await this.settle(held.redis, held.lockKey, held.deadline);
      }
      this.running = null;
    }
  }

  /** False once the lock is someone else's (or gone). */
  private async extend(redis: Redis, lockKey: string, ttlMs: number): Promise<boolean> {
    try {
      if ((await redis.eval(EXTEND_IF_HELD, 1, lockKey, this.token, ttlMs)) === 1) {
        return true;
      }
      this.options.logger.warn(
        { lock: lockKey },
        'a scheduled run outlived its lock; another instance may run beside it',
      );
      return false;
    } catch (error) {
      this.options.logger.warn(
        { err: error, lock: lockKey },
        "extending a scheduled run's lock failed",
      );
      return true;
    }
  }

  /**
   * After a run: the lock goes back to the moment it was first taken to last until, so a run
   * that was kept alive does not also take the next period from every instance; past that
   * moment, it is released.
   */
  private async settle(redis: Redis, lockKey: string, deadline: number): Promise<void> {
    try {
      await redis.eval(
        SETTLE_IF_HELD,
        1,
        lockKey,
        this.token,
        Math.round(deadline - performance.now()),
      );
    } catch (error) {
      this.options.logger.warn(
        { err: error, lock: lockKey },
        "settling a scheduled run's lock failed",
      );
    }
  }
}
