import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { Redis } from 'ioredis';

import type { GatewayPubSub } from '../../../src/subscriptions/pubsub.js';
import { CustomerUpdatedDocument, UpsertCustomerDocument } from '../../__generated__/graphql.js';
import { actUntilEvent, execute, subscribe, wsClient } from '../../support/graphql-client.js';
import { type PrivateRedis, startPrivateRedis } from '../../support/private-redis.js';
import { seedCustomer } from '../../support/seed.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { until } from '../../support/until.js';

/** The next event `name` of an ioredis client (events.once would reject on its 'error' events). */
function nextEvent(client: Redis, name: string): Promise<void> {
  return new Promise((resolve) => client.once(name, () => resolve()));
}

/** Resolves once the gateway's PubSub is next asked for a topic: a subscription has started. */
function nextTopicSubscribe(pubSub: GatewayPubSub): Promise<void> {
  const original = pubSub.subscribe;
  return new Promise((resolve) => {
    pubSub.subscribe = ((...args: Parameters<typeof original>) => {
      pubSub.subscribe = original;
      const events = original(...args);
      resolve();
      return events;
    }) as typeof original;
  });
}

describe('subscriptions while Redis is down', () => {
  let redis: PrivateRedis;
  let gateway: TestApp;

  before(async () => {
    redis = await startPrivateRedis();
    gateway = await createTestApp({ env: { REDIS_URL: redis.url } });
  });

  after(async () => {
    await gateway.stop();
    await redis.stop();
  });

  const touch = (id: string) => () =>
    execute(gateway.url, UpsertCustomerDocument, {
      input: { id, displayName: `Watched ${randomUUID()}` },
    });

  it('a subscription started while Redis is down hears events once Redis is back, and so does a later one', async () => {
    const person = await seedCustomer(gateway.url, 'Watched Through An Outage', []);
    const subscriber = gateway.backends.redis!.subscriber;
    await redis.stop();
    const down = await until(
      () => Promise.resolve(subscriber.status),
      (status) => status !== 'ready',
      10_000,
    );
    assert.notEqual(down, 'ready', 'the gateway noticed that Redis went away');

    const early = wsClient(gateway.url);
    const late = wsClient(gateway.url);
    try {
      const started = nextTopicSubscribe(gateway.backends.pubSub);
      const duringOutage = subscribe(early, CustomerUpdatedDocument, { id: person.id });
      await started;
      // ioredis gives up a command it could not send after maxRetriesPerRequest (1) + 1
      // reconnect attempts: after two more, whatever was tried for this subscription failed.
      await nextEvent(subscriber, 'reconnecting');
      await nextEvent(subscriber, 'reconnecting');

      await redis.restart();

      const afterOutage = subscribe(late, CustomerUpdatedDocument, { id: person.id });
      const heardLate = await actUntilEvent(afterOutage, touch(person.id));
      assert.equal(heardLate.errors, undefined, JSON.stringify(heardLate.errors));
      assert.equal(heardLate.data?.customerUpdated.customerId, person.id);

      // Nothing could be published while Redis was down: what it heard was sent afterwards.
      const heardEarly = await duringOutage.next();
      assert.equal(heardEarly.errors, undefined, JSON.stringify(heardEarly.errors));
      assert.equal(heardEarly.data?.customerUpdated.customerId, person.id);
      duringOutage.unsubscribe();
      afterOutage.unsubscribe();
    } finally {
      await early.dispose();
      await late.dispose();
    }
  });

  it('ends subscriptions with REDIS_UNAVAILABLE when Redis refuses SUBSCRIBE, so clients subscribe again', async () => {
    const person = await seedCustomer(gateway.url, 'Refused Watcher', []);
    const admin = new Redis(redis.url, { lazyConnect: true, retryStrategy: () => null });
    const client = wsClient(gateway.url);
    try {
      await admin.connect();
      await admin.call('ACL', 'SETUSER', 'default', '-subscribe');
      const refused = subscribe(client, CustomerUpdatedDocument, { id: person.id });
      const ended = await refused.next();
      assert.equal(ended.errors?.[0]?.extensions?.['code'], 'REDIS_UNAVAILABLE');
      assert.equal(ended.data, undefined);

      await admin.call('ACL', 'SETUSER', 'default', '+subscribe');
      const again = subscribe(client, CustomerUpdatedDocument, { id: person.id });
      const heard = await actUntilEvent(again, touch(person.id));
      assert.equal(heard.errors, undefined, JSON.stringify(heard.errors));
      assert.equal(heard.data?.customerUpdated.customerId, person.id);
      again.unsubscribe();
    } finally {
      await admin.call('ACL', 'SETUSER', 'default', '+subscribe').catch(() => undefined);
      admin.disconnect();
      await client.dispose();
    }
  });
});
