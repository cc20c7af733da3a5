import type { Redis } from 'ioredis';

import type { Logger } from '../../../logger.js';
import { OneInstanceSchedule } from '../../../scheduling/one-instance.schedule.js';
import type { RecommendationTrainer } from './trainer.js';

/** Refits the models every `minutes` on exactly one instance (0: only when asked). */
export function refitSchedule(
  trainer: RecommendationTrainer,
  redis: Redis | null,
  minutes: number,
  logger: Logger,
  deployment: string,
): OneInstanceSchedule {
  return new OneInstanceSchedule(
    {
      lockKey: 'c360:lock:recommendation-refit',
      deployment,
      periodMs: minutes * 60_000,
      redis,
      logger,
      failure: 'scheduled recommendation refit failed; the previous models keep serving',
    },
    () => trainer.fit(),
  );
}
