import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { Redis } from 'ioredis';

import {
  CustomerUpdatedDocument,
  SegmentMembershipChangedDocument,
  UpsertCustomerDocument,
} from '../../__generated__/graphql.js';
import { execute, subscribe, wsClient } from '../../support/graphql-client.js';
import { type PrivateRedis, startPrivateRedis } from '../../support/private-redis.js';
import { relayed, seedCustomer } from '../../support/seed.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { defineReadySegment } from '../../support/segments.js';
import { until } from '../../support/until.js';

/*
 * Subscriptions read the durable change feed in PostgreSQL; Redis only tells instances to look
 * sooner. So a Redis outage, or a Redis that refuses SUBSCRIBE, delays nothing for long and
 * loses nothing: each instance also reads the feed on its own poll (CHANGE_FEED_POLL_MS).
 */
describe('subscriptions while Redis is down', () => {
  let redis: PrivateRedis;
  let gateway: TestApp;

  before(async () => {
    redis = await startPrivateRedis();
    gateway = await createTestApp({
      env: { REDIS_URL: redis.url, CHANGE_FEED_POLL_MS: '200' },
    });
  });

  after(async () => {
    await gateway.stop();
    await redis.stop();
  });

  const rename = async (id: string, displayName: string) => {
    const result = await execute(gateway.url, UpsertCustomerDocument, {
      input: { id, displayName },
    });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
  };

  it('a subscriber misses nothing across a Redis outage: changes made during it come from the feed', async () => {
    const people = [];
    for (const name of ['Ada', 'Brook', 'Cyd', 'Dale']) {
      people.push(await seedCustomer(gateway.url, `${name} Watched`, []));
    }
    await relayed(gateway.backends);
    const client = wsClient(gateway.url);
    try {
      // From the start of the feed: the four creations are replayed, then live changes follow.
      const updates = subscribe(client, CustomerUpdatedDocument, { afterCursor: '0' });
      const next = async (what: string) => {
        const update = await updates.next(20_000).catch((error: unknown) => {
          throw new Error(`${what} never came: ${String(error)}`);
        });
        assert.equal(update.errors, undefined, JSON.stringify(update.errors));
        return update.data!.customerUpdated;
      };
      const heard = [];
      for (const person of people) {
        heard.push(await next(`the creation of ${person.displayName}`));
      }

      await redis.stop();
      const subscriber = gateway.backends.redis!.subscriber;
      await until(
        () => Promise.resolve(subscriber.status),
        (status) => status !== 'ready',
        10_000,
      );
      for (const person of people.slice(0, 3)) {
        await rename(person.id, `${person.displayName} (renamed during the outage)`);
      }
      await redis.restart();
      await rename(people[3]!.id, `${people[3]!.displayName} (renamed after it)`);
      for (let i = 0; i < people.length; i += 1) {
        heard.push(await next(`rename ${i + 1} of 4`));
      }

      // Each customer twice (created, renamed), in feed order, nothing twice.
      const count = new Map<string, number>();
      for (const update of heard) {
        count.set(update.customerId, (count.get(update.customerId) ?? 0) + 1);
      }
      assert.deepEqual(
        people.map((p) => count.get(p.id)),
        [2, 2, 2, 2],
      );
      const cursors = heard.map((u) => BigInt(u.cursor));
      assert.ok(
        cursors.every((c, i) => i === 0 || c > cursors[i - 1]!),
        `cursors rise: ${cursors.join(', ')}`,
      );
      assert.match(heard.at(-1)!.customer?.displayName ?? '', /renamed/);
      updates.unsubscribe();
    } finally {
      await client.dispose();
    }
  });

  it('a segment subscriber on another instance gets every entry written during the outage, once', async () => {
    const other = await createTestApp({
      database: gateway.database,
      env: { REDIS_URL: redis.url, CHANGE_FEED_POLL_MS: '200' },
    });
    const client = wsClient(other.url);
    try {
      const key = `outage-${randomUUID().slice(0, 8)}`;
      const segmentId = await defineReadySegment(gateway.url, {
        key,
        name: key,
        rule: { trait: { key: 'outage', op: 'EQUALS', value: key } },
      });
      const changes = subscribe(client, SegmentMembershipChangedDocument, {
        segmentIds: [segmentId],
        afterCursor: '0',
      });
      const enter = async (name: string) => {
        const id = randomUUID();
        const result = await execute(gateway.url, UpsertCustomerDocument, {
          input: { id, displayName: name, traits: { outage: key } },
        });
        assert.equal(result.errors, undefined, JSON.stringify(result.errors));
        return id;
      };
      const entered = [await enter('Before')];
      await redis.stop();
      for (const name of ['During 1', 'During 2', 'During 3']) {
        entered.push(await enter(name));
      }
      await redis.restart();
      entered.push(await enter('After'));
      // Followers that need Redis retried what came during the outage; nothing is left over.
      await relayed(gateway.backends);

      const heard = [];
      for (let i = 0; i < entered.length; i += 1) {
        const change = await changes.next(20_000);
        assert.equal(change.errors, undefined, JSON.stringify(change.errors));
        heard.push(change.data!.segmentMembershipChanged);
      }
      // Entries of different customers are evaluated side by side (the segments lane is
      // unordered), so they commit in any order: each once, in cursor order, is the promise.
      assert.deepEqual(
        heard.map((c) => `${c.customerId}:${c.change}`).sort(),
        entered.map((id) => `${id}:ENTERED`).sort(),
        'each entry once',
      );
      const cursors = heard.map((c) => BigInt(c.cursor));
      assert.ok(
        cursors.every((c, i) => i === 0 || c > cursors[i - 1]!),
        `cursors rise: ${cursors.join(', ')}`,
      );
      await assert.rejects(changes.next(1_000), 'nothing twice');
      changes.unsubscribe();
    } finally {
      await client.dispose();
      await other.stop();
    }
  });

  it('a subscription still hears changes while Redis refuses SUBSCRIBE', async () => {
    const person = await seedCustomer(gateway.url, 'Refused Watcher', []);
    await relayed(gateway.backends);
    const admin = new Redis(redis.url, { lazyConnect: true, retryStrategy: () => null });
    const client = wsClient(gateway.url);
    try {
      await admin.connect();
      await admin.call('ACL', 'SETUSER', 'default', '-subscribe');
      const updates = subscribe(client, CustomerUpdatedDocument, { id: person.id });
      // A live subscription begins at the feed's head: the rename below comes after it, and
      // the resume cursor of what it hears lets a client check that.
      await rename(person.id, 'Renamed Without Pub/Sub');
      const heard = await updates.next(20_000);
      assert.equal(heard.errors, undefined, JSON.stringify(heard.errors));
      assert.equal(heard.data?.customerUpdated.customer?.displayName, 'Renamed Without Pub/Sub');
      updates.unsubscribe();
    } finally {
      await admin.call('ACL', 'SETUSER', 'default', '+subscribe').catch(() => undefined);
      admin.disconnect();
      await client.dispose();
    }
  });
});
