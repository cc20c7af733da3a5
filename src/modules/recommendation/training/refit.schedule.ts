import type { Redis } from 'ioredis';

import type { Logger } from '../../../logger.js';
import type { RecommendationTrainer } from './trainer.js';

const LOCK_KEY = 'c360:lock:recommendation-refit';

/**
 * Refits the models every `minutes` on exactly one instance: each instance tries to take a
 * Redis lock that expires with the period and is never released, so whoever takes it fits
 * and the others skip that period. Without Redis there is one instance, and it fits.
 */
export class RefitSchedule {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly trainer: RecommendationTrainer,
    private readonly redis: Redis | null,
    private readonly minutes: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.minutes > 0) {
      this.timer ??= setInterval(() => void this.tick(), this.minutes * 60_000);
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

  private async tick(): Promise<void> {
    if (this.running !== null) {
      return;
    }
    try {
      if (this.redis !== null) {
        // Expires a little before the next tick, so the next period is free to take.
        const ttlMs = Math.max(this.minutes * 60_000 - 5_000, 1_000);
        if ((await this.redis.set(LOCK_KEY, String(process.pid), 'PX', ttlMs, 'NX')) !== 'OK') {
          return;
        }
      }
      this.running = this.trainer.fit();
      await this.running;
    } catch (error) {
      this.logger.error(
        { err: error },
        'scheduled recommendation refit failed; the previous models keep serving',
      );
    } finally {
      this.running = null;
    }
  }
}
