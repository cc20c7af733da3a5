import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub } from '@graphql-yoga/subscription';

import type { RedisConnections } from '../datasources/redis.js';
import type { Logger } from '../logger.js';

/** The PubSub type-graphql publishes through and graphql-ws subscribers listen on. */
export type GatewayPubSub = ReturnType<typeof createPubSub>;

/**
 * With Redis, events cross every gateway instance through Redis channels; without it, they
 * stay inside this process, which is right only for a single instance (the embedded default).
 */
export function createGatewayPubSub(
  redis: RedisConnections | null,
  logger?: Logger,
): GatewayPubSub {
  if (redis === null) {
    return createPubSub();
  }
  const log = logger?.child({ module: 'pubsub' });
  // The event target fires Redis commands without awaiting them; while Redis is down each would
  // be an unhandled rejection (fatal in Node). Here a lost event is logged: pub/sub is
  // at-most-once by design, and what must not be missed is written to PostgreSQL first.
  const report = (command: string) => (error: unknown) => {
    log?.warn(
      { err: error instanceof Error ? error.message : String(error), command },
      'redis pub/sub command failed',
    );
    return 0;
  };
  const publishClient = {
    publish: (channel: string, message: string) =>
      redis.publisher.publish(channel, message).catch(report('publish')),
  };
  const subscribeClient = {
    on: (event: 'message', listener: (channel: string, message: string) => void) =>
      redis.subscriber.on(event, listener),
    subscribe: (topic: string) => redis.subscriber.subscribe(topic).catch(report('subscribe')),
    unsubscribe: (topic: string) =>
      redis.subscriber.unsubscribe(topic).catch(report('unsubscribe')),
  };
  return createPubSub({
    eventTarget: createRedisEventTarget({
      publishClient: publishClient as unknown as RedisConnections['publisher'],
      subscribeClient: subscribeClient as unknown as RedisConnections['subscriber'],
    }),
  });
}
