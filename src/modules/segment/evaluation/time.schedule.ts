import type { Redis } from 'ioredis';

import type { ChangeFeedStore } from '../../../changefeed/change-feed.store.js';
import type { Logger } from '../../../logger.js';
import { OneInstanceSchedule } from '../../../scheduling/one-instance.schedule.js';
import type { SegmentEngine } from './segment.engine.js';

/**
 * Time's own changes, on one instance per tick: segments whose rules move with the clock
 * (windows, "days since", membership ages, new arrivals), and those comparing with a vector
 * that moved since their last pass (similarity), are evaluated again in full, so a member
 * leaves when their window closes; segments still building after their definer went away are
 * finished; and the change feed is pruned to its retention.
 */
export function timeSchedule(options: {
  engine: SegmentEngine;
  feed: ChangeFeedStore;
  redis: Redis | null;
  deployment: string;
  tickSeconds: number;
  retentionDays: number;
  logger: Logger;
}): OneInstanceSchedule {
  const { engine, feed, logger } = options;
  return new OneInstanceSchedule(
    {
      lockKey: 'c360:lock:segment-time',
      deployment: options.deployment,
      periodMs: options.tickSeconds * 1_000,
      redis: options.redis,
      logger,
      failure: 'segment time tick failed; the next tick tries again',
    },
    async () => {
      for (const plan of await engine.timeDependentPlans()) {
        await engine.evaluateAll(plan, { kind: 'time' });
      }
      await engine.finishAbandoned(10 * 60_000);
      const pruned = await feed.prune(new Date(Date.now() - options.retentionDays * 86_400_000));
      if (pruned > 0) {
        logger.info({ pruned }, 'change feed pruned to its retention');
      }
    },
  );
}
