import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  CreateApiKeyDocument,
  SegmentCustomerDocument,
  type SegmentCustomerQuery,
} from '../../__generated__/graphql.js';
import { execute } from '../../support/graphql-client.js';
import { relayed } from '../../support/seed.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

/*
 * The bodies marked "Segment's example" are copied from Segment's HTTP Tracking API
 * documentation (segment-docs, src/connections/sources/catalog/libraries/server/http-api),
 * `writeKey` field and all: c360 must take them as Segment does.
 */

type Customer = NonNullable<SegmentCustomerQuery['customerByIdentity']>;

interface SegmentAnswer {
  success: boolean;
  accepted?: number;
  rejected?: number;
  results?: {
    index: number;
    messageId: string | null;
    status: string;
    customerId: string | null;
    error: { code: string; message: string } | null;
  }[];
  error?: { code: string; message: string };
}

describe('Segment HTTP Tracking API (/v1)', () => {
  let gateway: TestApp;

  const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

  /** Posts as Segment's libraries do: JSON, the write key as Basic user name. */
  const post = async (
    call: string,
    body: unknown,
    options: { authorization?: string | null; raw?: string } = {},
  ) => {
    const authorization =
      options.authorization === undefined ? basic(gateway.apiKey) : options.authorization;
    const response = await fetch(`${gateway.baseUrl}/v1/${call}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(authorization === null ? {} : { authorization }),
      },
      body: options.raw ?? JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as SegmentAnswer };
  };

  const customerBy = async (type: 'USER_ID' | 'ANONYMOUS_ID' | 'EMAIL', value: string) => {
    const result = await execute(gateway.url, SegmentCustomerDocument, { type, value });
    assert.equal(result.errors, undefined);
    const customer = result.data?.customerByIdentity;
    assert.ok(customer, `no customer holds ${type} ${value}`);
    return customer;
  };

  const eventsOf = (customer: Customer) => customer.events!.edges.map((edge) => edge.node);

  const count = async (table: 'events' | 'customers' | 'identities') =>
    Number(
      (await gateway.backends.postgres.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))
        .rows[0]!.n,
    );

  before(async () => {
    gateway = await createTestApp();
  });

  after(async () => {
    await gateway.stop();
  });

  it("applies Segment's documented identify, track, page, screen, group and alias examples to one customer", async () => {
    // Segment's examples, in the order its documentation gives them.
    const calls: [string, unknown][] = [
      [
        'identify',
        {
          userId: '019mr8mf4r',
          traits: {
            email: 'pgibbons@example.com',
            name: 'Peter Gibbons',
            industry: 'Technology',
          },
          context: { ip: '24.5.68.47' },
          timestamp: '2012-12-02T00:30:08.276Z',
          writeKey: 'YOUR_WRITE_KEY',
        },
      ],
      [
        'track',
        {
          userId: '019mr8mf4r',
          event: 'Item Purchased',
          properties: { name: 'Leap to Conclusions Mat', revenue: 14.99 },
          context: { ip: '24.5.68.47' },
          timestamp: '2012-12-02T00:30:12.984Z',
          writeKey: 'YOUR_WRITE_KEY',
        },
      ],
      [
        'page',
        {
          userId: '019mr8mf4r',
          name: 'Tracking HTTP API',
          timestamp: '2012-12-02T00:31:29.738Z',
          writeKey: 'YOUR_WRITE_KEY',
        },
      ],
      [
        'screen',
        {
          userId: '019mr8mf4r',
          name: 'Tracking HTTP API',
          timestamp: '2012-12-02T00:31:29.738Z',
          writeKey: 'YOUR_WRITE_KEY',
        },
      ],
      [
        'group',
        {
          userId: '019mr8mf4r',
          groupId: '8e9df332ac',
          traits: { name: 'Initech', industry: 'Technology', employees: 420 },
          timestamp: '2012-12-02T00:31:38.208Z',
          writeKey: 'YOUR_WRITE_KEY',
        },
      ],
      [
        'alias',
        {
          previousId: '39239-239239-239239-23923',
          userId: '019mr8mf4r',
          timestamp: '2012-12-02T00:31:29.738Z',
          writeKey: 'YOUR_WRITE_KEY',
        },
      ],
    ];

    for (const [call, body] of calls) {
      const answer = await post(call, body);
      assert.equal(answer.status, 200, `${call}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.success, true);
      assert.equal(answer.body.results?.[0]?.error, null);
    }
    await relayed(gateway.backends);

    const peter = await customerBy('USER_ID', '019mr8mf4r');
    assert.equal(peter.displayName, 'Peter Gibbons');
    assert.deepEqual(peter.traits, {
      email: 'pgibbons@example.com',
      name: 'Peter Gibbons',
      industry: 'Technology',
      group: {
        id: '8e9df332ac',
        traits: { name: 'Initech', industry: 'Technology', employees: 420 },
      },
    });
    assert.deepEqual(
      new Set(peter.identities.map((i) => `${i.type}:${i.value}`)),
      new Set([
        'USER_ID:019mr8mf4r',
        'EMAIL:pgibbons@example.com',
        // Nobody held it as a user id: an alias's previousId is then the anonymous id.
        'ANONYMOUS_ID:39239-239239-239239-23923',
      ]),
    );
    const events = eventsOf(peter);
    const byType = (type: string) => events.filter((event) => event.type === type);
    assert.equal(events.length, 3);
    assert.deepEqual(
      byType('CUSTOM').map(({ name, properties, occurredAt }) => ({
        name,
        properties,
        occurredAt,
      })),
      [
        {
          name: 'Item Purchased',
          properties: { name: 'Leap to Conclusions Mat', revenue: 14.99 },
          occurredAt: '2012-12-02T00:30:12.984Z',
        },
      ],
    );
    assert.deepEqual(
      byType('PAGE')
        .map(({ name, properties, occurredAt }) => ({ name, properties, occurredAt }))
        .sort((a, b) => Object.keys(a.properties).length - Object.keys(b.properties).length),
      [
        { name: 'Tracking HTTP API', properties: {}, occurredAt: '2012-12-02T00:31:29.738Z' },
        {
          name: 'Tracking HTTP API',
          properties: { screen: true },
          occurredAt: '2012-12-02T00:31:29.738Z',
        },
      ],
    );
    assert.equal((await customerBy('EMAIL', 'pgibbons@example.com')).id, peter.id);
  });

  it("stores Segment's documented batch example, and the same batch again changes nothing", async () => {
    const batch = {
      batch: [
        {
          type: 'identify',
          userId: '019mr8mf4r',
          traits: { email: 'jake@yahoo.com', name: 'Jake Peterson', age: 26 },
          timestamp: '2012-12-02T00:30:08.276Z',
        },
        {
          type: 'track',
          userId: '019mr8mf4r',
          event: 'Song Played',
          properties: { name: 'Fallin for You', artist: 'Dierks Bentley' },
          timestamp: '2012-12-02T00:30:12.984Z',
        },
        {
          type: 'identify',
          userId: '971mj8mk7p',
          traits: { email: 'cindy@example.com', name: 'Cindy Gonzalez', age: 23 },
          timestamp: '2015-2-02T00:30:08.276Z',
        },
        {
          type: 'track',
          userId: '971mj8mk7p',
          event: 'Song Played',
          properties: { name: 'Get Right', artist: 'Jennifer Lopez' },
          timestamp: '2015-2-02T00:30:12.984Z',
        },
      ],
      writeKey: 'YOUR_WRITE_KEY',
      context: { device: { type: 'phone', name: 'Apple iPhone 6' } },
    };

    const first = await post('batch', batch);
    await relayed(gateway.backends);
    const stored = {
      events: await count('events'),
      customers: await count('customers'),
      identities: await count('identities'),
    };
    const again = await post('batch', batch);
    await relayed(gateway.backends);

    assert.equal(first.status, 200);
    assert.deepEqual(
      first.body.results?.map((r) => r.status),
      ['UPDATED', 'CREATED', 'CREATED', 'CREATED'],
    );
    assert.equal(again.status, 200);
    assert.deepEqual(
      again.body.results?.map((r) => r.status),
      ['UPDATED', 'UNCHANGED', 'UPDATED', 'UNCHANGED'],
    );
    assert.deepEqual(
      {
        events: await count('events'),
        customers: await count('customers'),
        identities: await count('identities'),
      },
      stored,
    );
    const cindy = await customerBy('USER_ID', '971mj8mk7p');
    assert.equal(cindy.displayName, 'Cindy Gonzalez');
    assert.deepEqual(cindy.traits, { email: 'cindy@example.com', name: 'Cindy Gonzalez', age: 23 });
    assert.deepEqual(
      eventsOf(cindy).map(({ type, name, properties, occurredAt }) => ({
        type,
        name,
        properties,
        occurredAt,
      })),
      [
        {
          type: 'CUSTOM',
          name: 'Song Played',
          properties: { name: 'Get Right', artist: 'Jennifer Lopez' },
          occurredAt: '2015-02-02T00:30:12.984Z',
        },
      ],
    );
    assert.equal(
      (await customerBy('EMAIL', 'jake@yahoo.com')).id,
      first.body.results?.[1]?.customerId,
    );
  });

  it('maps what analytics-node sends: e-commerce names, product ids, clock skew, library channel, session', async () => {
    const userId = `user-${randomUUID()}`;
    const anonymousId = randomUUID();
    const email = `${randomUUID().slice(0, 8)}@example.com`;
    // The device's clock runs an hour fast; each event happened `ago` ms before the batch left.
    const deviceNow = Date.now() + 3_600_000;
    const library = { name: '@segment/analytics-node', version: '2.1.3' };
    const message = (ago: number, fields: Record<string, unknown>) => ({
      ...fields,
      messageId: `node-next-${deviceNow}-${randomUUID()}`,
      timestamp: new Date(deviceNow - ago).toISOString(),
      context: { library },
      _metadata: { nodeVersion: '24.0.0', jsRuntime: 'node' },
      integrations: {},
    });
    const track = (ago: number, event: string, properties: Record<string, unknown>) =>
      message(ago, { type: 'track', event, userId, properties });
    const batch = {
      batch: [
        message(9000, {
          type: 'identify',
          userId,
          anonymousId,
          traits: { email, firstName: 'Ada', lastName: 'Lovelace', plan: 'pro' },
        }),
        track(8000, 'Product Viewed', { product_id: 'p-1', sku: 'SKU-1', session_id: 's-1' }),
        track(7000, 'Product Added', { product_id: 'p-1', quantity: 2 }),
        track(6000, 'Product Removed', { product_id: 'p-1' }),
        track(5000, 'Product Added to Wishlist', { product_id: 'p-2' }),
        track(4000, 'Order Completed', { order_id: 'o-1', revenue: 25, products: [] }),
        track(3000, 'Signed Up', { referrer: 'newsletter', unknownField: { nested: true } }),
        message(2000, {
          type: 'page',
          anonymousId,
          name: 'Home',
          category: 'Landing',
          properties: { path: '/', url: 'https://example.com/' },
        }),
      ],
      writeKey: 'ignored-when-basic-auth-is-sent',
      sentAt: new Date(deviceNow).toISOString(),
    };

    const sent = Date.now();
    const answer = await post('batch', batch);
    const answered = Date.now();
    await relayed(gateway.backends);

    assert.equal(answer.status, 200);
    assert.equal(answer.body.success, true);
    assert.deepEqual(
      { accepted: answer.body.accepted, rejected: answer.body.rejected },
      {
        accepted: 8,
        rejected: 0,
      },
    );
    const customer = await customerBy('USER_ID', userId);
    assert.equal(customer.displayName, 'Ada Lovelace');
    assert.deepEqual(customer.traits, {
      email,
      firstName: 'Ada',
      lastName: 'Lovelace',
      plan: 'pro',
    });
    assert.deepEqual(
      new Set(customer.identities.map((i) => `${i.type}:${i.value}`)),
      new Set([`USER_ID:${userId}`, `EMAIL:${email}`, `ANONYMOUS_ID:${anonymousId}`]),
    );
    const events = eventsOf(customer);
    const byName = new Map(events.map((event) => [event.name, event]));
    assert.deepEqual(Object.fromEntries([...byName].map(([name, event]) => [name, event.type])), {
      Home: 'PAGE',
      'Order Completed': 'PURCHASE',
      'Product Added': 'CART_ADD',
      'Product Added to Wishlist': 'WISHLIST_ADD',
      'Product Removed': 'CART_REMOVE',
      'Product Viewed': 'VIEW',
      'Signed Up': 'CUSTOM',
    });
    const viewed = byName.get('Product Viewed')!;
    assert.deepEqual(viewed.properties, {
      product_id: 'p-1',
      productId: 'p-1',
      sku: 'SKU-1',
      session_id: 's-1',
    });
    assert.equal(viewed.sessionId, 's-1');
    assert.ok(events.every((event) => event.channel === 'server'));
    assert.deepEqual(byName.get('Home')!.properties, {
      path: '/',
      url: 'https://example.com/',
      category: 'Landing',
    });
    // Clock skew corrected: 8 s before c360 received the batch, not an hour ahead.
    const viewedAt = Date.parse(viewed.occurredAt);
    assert.ok(
      viewedAt >= sent - 8000 && viewedAt <= answered - 8000,
      `occurredAt ${viewed.occurredAt} is not 8 s before receipt`,
    );
  });

  it('rejects an event over 32 KB alone in a batch, and refuses a body over 500 KB with 413', async () => {
    const userId = `user-${randomUUID()}`;
    const small = { type: 'track', userId, event: 'Small', messageId: randomUUID() };
    const large = {
      ...small,
      messageId: randomUUID(),
      properties: { blob: 'x'.repeat(33 * 1024) },
    };

    const mixed = await post('batch', { batch: [large, small] });
    const tooLarge = await post('batch', {
      batch: Array.from({ length: 16 }, () => ({ ...large, messageId: randomUUID() })),
    });
    const singleTooLarge = await post('track', large);

    assert.equal(mixed.status, 200);
    assert.deepEqual(
      mixed.body.results?.map((r) => [r.status, r.error?.code ?? null]),
      [
        ['REJECTED', 'BAD_USER_INPUT'],
        ['CREATED', null],
      ],
    );
    assert.match(mixed.body.results![0]!.error!.message, /32 KB/);
    assert.equal(tooLarge.status, 413);
    assert.equal(tooLarge.body.success, false);
    assert.equal(singleTooLarge.status, 413);
    assert.deepEqual(
      eventsOf(await customerBy('USER_ID', userId)).map((event) => event.messageId),
      [small.messageId],
    );
  });

  it('rejects a malformed message alone and ignores fields it does not know', async () => {
    const userId = `user-${randomUUID()}`;
    const answer = await post('batch', {
      batch: [
        { type: 'track', userId, properties: {} },
        { type: 'track', event: 'No one' },
        { type: 'unknown', userId },
        { type: 'track', userId, event: 'Fine', somethingNew: [1, 2, 3], messageId: randomUUID() },
      ],
    });

    assert.equal(answer.status, 200);
    assert.deepEqual(
      answer.body.results?.map((r) => [r.status, r.error?.code ?? null]),
      [
        ['REJECTED', 'BAD_USER_INPUT'],
        ['REJECTED', 'BAD_USER_INPUT'],
        ['REJECTED', 'BAD_USER_INPUT'],
        ['CREATED', null],
      ],
    );
    const single = await post('track', { userId });
    assert.equal(single.status, 400);
    assert.equal(single.body.success, false);
  });

  it('merges two customers when an alias joins their user ids', async () => {
    const [before, after] = [`old-${randomUUID()}`, `new-${randomUUID()}`];
    const first = await post('track', { userId: before, event: 'Old', messageId: randomUUID() });
    const second = await post('track', { userId: after, event: 'New', messageId: randomUUID() });
    assert.notEqual(first.body.results?.[0]?.customerId, second.body.results?.[0]?.customerId);

    const alias = await post('alias', { previousId: before, userId: after });
    await relayed(gateway.backends);

    assert.equal(alias.status, 200);
    const merged = await customerBy('USER_ID', after);
    assert.equal((await customerBy('USER_ID', before)).id, merged.id);
    assert.deepEqual(
      eventsOf(merged)
        .map((event) => event.name)
        .sort(),
      ['New', 'Old'],
    );
  });

  it("takes analytics.js's request: a short path, text/plain, the write key in the body", async () => {
    const anonymousId = randomUUID();
    const response = await fetch(`${gateway.baseUrl}/v1/t`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({
        type: 'track',
        event: 'Product Viewed',
        anonymousId,
        properties: { sku: 'SKU-9' },
        context: { library: { name: 'analytics.js', version: 'next-1.81.0' } },
        messageId: `ajs-next-${randomUUID()}`,
        writeKey: gateway.apiKey,
      }),
    });

    assert.equal(response.status, 200);
    const [event] = eventsOf(await customerBy('ANONYMOUS_ID', anonymousId));
    assert.deepEqual(
      [event?.type, event?.channel, event?.properties],
      ['VIEW', 'web', { sku: 'SKU-9' }],
    );
  });

  it('does not tell a write-only key whether an identify created its customer', async () => {
    const created = await execute(gateway.url, CreateApiKeyDocument, {
      name: 'write only',
      scopes: ['WRITE'],
    });
    const writeOnly = basic(created.data!.createApiKey.key);
    const userId = `user-${randomUUID()}`;

    const identify = await post(
      'identify',
      { userId, traits: { plan: 'free' } },
      {
        authorization: writeOnly,
      },
    );
    const track = await post(
      'track',
      { userId, event: 'Seen', messageId: randomUUID() },
      {
        authorization: writeOnly,
      },
    );

    assert.equal(identify.body.results?.[0]?.status, 'UPDATED');
    assert.equal(track.body.results?.[0]?.status, 'CREATED');
    assert.deepEqual((await customerBy('USER_ID', userId)).traits, { plan: 'free' });
  });

  it('answers 401 without a key or with a wrong one, and 403 for a key without WRITE', async () => {
    const created = await execute(gateway.url, CreateApiKeyDocument, {
      name: 'read only',
      scopes: ['READ'],
    });
    const readKey = created.data!.createApiKey.key;
    const body = { userId: 'someone', event: 'Probe' };

    const missing = await post('track', body, { authorization: null });
    const wrong = await post('track', body, { authorization: basic(`c360_${randomUUID()}`) });
    const inBody = await post(
      'track',
      { ...body, writeKey: 'YOUR_WRITE_KEY' },
      { authorization: null },
    );
    const readOnly = await post(
      'batch',
      { batch: [{ type: 'track', ...body }] },
      {
        authorization: basic(readKey),
      },
    );

    assert.deepEqual(
      [missing, wrong, inBody, readOnly].map((answer) => [
        answer.status,
        answer.body.success,
        answer.body.error?.code,
      ]),
      [
        [401, false, 'UNAUTHENTICATED'],
        [401, false, 'UNAUTHENTICATED'],
        [401, false, 'UNAUTHENTICATED'],
        [403, false, 'FORBIDDEN'],
      ],
    );
    const nobody = await execute(gateway.url, SegmentCustomerDocument, {
      type: 'USER_ID',
      value: 'someone',
    });
    assert.equal(nobody.data?.customerByIdentity, null);
  });
});
