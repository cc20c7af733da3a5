import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub } from '@graphql-yoga/subscription';

import type { RedisConnections } from '../datasources/redis.js';

/** The PubSub type-graphql publishes through and graphql-ws subscribers listen on. */
export type GatewayPubSub = ReturnType<typeof createPubSub>;

/**
 * With Redis, events cross every gateway instance through Redis channels; without it, they
 * stay inside this process, which is right only for a single instance (the embedded default).
 */
export function createGatewayPubSub(redis: RedisConnections | null): GatewayPubSub {
  if (redis === null) {
    return createPubSub();
  }
  return createPubSub({
    eventTarget: createRedisEventTarget({
      publishClient: redis.publisher,
      subscribeClient: redis.subscriber,
    }),
  });
}
