import { createPubSub, Repeater } from '@graphql-yoga/subscription';

import type { RedisConnections } from '../datasources/redis.js';
import type { Logger } from '../logger.js';
import { RedisChannels } from './redis-channels.js';

/** The PubSub type-graphql publishes through and graphql-ws subscribers listen on. */
export type GatewayPubSub = ReturnType<typeof createPubSub>;

/**
 * With Redis, events cross every gateway instance through Redis channels; without it, they
 * stay inside this process, which is right only for a single instance (the embedded default).
 *
 * The Redis PubSub keeps the createPubSub contract (topic `routingKey` or `routingKey:id`,
 * payloads as JSON, `''` read as null) and adds what a subscription needs to survive an
 * outage: its channel is subscribed again whenever the subscriber connection is ready, and
 * when that cannot work the subscription ends with REDIS_UNAVAILABLE (see {@link RedisChannels}),
 * which graphql-ws sends to the client as the operation's error.
 */
export function createGatewayPubSub(
  redis: RedisConnections | null,
  logger?: Logger,
): GatewayPubSub {
  if (redis === null) {
    return createPubSub();
  }
  const log = logger?.child({ module: 'pubsub' });
  const channels = new RedisChannels(redis.subscriber, log);
  const topicOf = (routingKey: string, id: unknown) =>
    id === undefined ? routingKey : `${routingKey}:${String(id)}`;
  return {
    publish(routingKey: string, ...args: [] | [unknown] | [string | number, unknown]) {
      const payload = args[1] ?? args[0] ?? null;
      const topic = topicOf(routingKey, args[1] === undefined ? undefined : args[0]);
      // Not awaited by callers, so a failure must not become an unhandled rejection (fatal in
      // Node). A lost event is logged: pub/sub is at-most-once by design, and what must not be
      // missed is written to PostgreSQL first.
      redis.publisher.publish(topic, JSON.stringify(payload)).catch((error: unknown) => {
        log?.warn(
          { err: error instanceof Error ? error.message : String(error), topic },
          'redis PUBLISH failed; event lost',
        );
      });
    },
    subscribe(routingKey: string, id?: string | number) {
      const topic = topicOf(routingKey, id);
      return new Repeater<unknown>((push, stop) => {
        const forget = channels.listen(topic, {
          deliver: (message) => void push(message === '' ? null : JSON.parse(message)),
          fail: (error) => stop(error),
        });
        void stop.then(forget);
      });
    },
  } as GatewayPubSub;
}
