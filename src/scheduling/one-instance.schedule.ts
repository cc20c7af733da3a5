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
 * Runs work every period on exactly one instance: each instance tries to take a Redis lock
 * that expires a little before the next period and is never released, so whoever takes it
 * runs and the others skip that period. An instance that dies mid-run leaves the lock to
 * expire; the next period runs elsewhere. A run still going when the next period comes is
 * not doubled.
 */
export class OneInstanceSchedule {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

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
    try {
      const { redis, periodMs } = this.options;
      const lockKey = `${this.options.lockKey}:${this.options.deployment}`;
      if (redis !== null) {
        const ttlMs = Math.max(periodMs - Math.min(5_000, periodMs / 10), 500);
        if (
          (await redis.set(lockKey, String(process.pid), 'PX', Math.round(ttlMs), 'NX')) !== 'OK'
        ) {
          return;
        }
      }
      this.running = this.work();
      await this.running;
    } catch (error) {
      this.options.logger.error({ err: error }, this.options.failure);
    } finally {
      this.running = null;
    }
  }
}
