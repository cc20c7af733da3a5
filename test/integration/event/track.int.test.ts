import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  CustomerTimelineDocument,
  EraseCustomerDocument,
  SetConsentDocument,
  type CustomerTimelineQuery,
  TrackBatchDocument,
  TrackDocument,
} from '../../__generated__/graphql.js';
import { execute } from '../../support/graphql-client.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

const event = (anonymousId: string, overrides: Record<string, unknown> = {}) => ({
  messageId: randomUUID(),
  identity: { type: 'ANONYMOUS_ID' as const, value: anonymousId },
  type: 'VIEW' as const,
  name: 'product page',
  properties: { productId: 'p-1' },
  ...overrides,
});

/** What trackEvents runs, in either of its paths (the relay, running beside, runs none). */
const WRITE_PATH = new Set([
  'identity.findOwners',
  'identity.lockForTracking',
  'identity.findCustomerId',
  'identity.createCustomerWithIdentity',
  'identity.createCustomersWithIdentities',
  'suppression.dropSuppressed',
  'suppression.dropIfSuppressed',
  'consent.listWithdrawn',
  'event.insert',
  'event.insertMany',
  'event.findCustomerIdByMessageId',
  'event.findCustomerIdsByMessageIds',
]);

describe('Mutation.track', () => {
  let gateway: TestApp;
  const countEvents = async () =>
    Number(
      (await gateway.backends.postgres.query<{ n: string }>('SELECT count(*) AS n FROM events'))
        .rows[0]!.n,
    );

  before(async () => {
    gateway = await createTestApp({ env: { BATCH_MAX_SIZE: '50' } });
  });

  after(async () => {
    await gateway.stop();
  });

  it('stores an event for a new anonymous visitor, and a resent message id only once', async () => {
    const anonymousId = randomUUID();
    const sent = event(anonymousId);

    const first = await execute(gateway.url, TrackDocument, { event: sent });
    const again = await execute(gateway.url, TrackDocument, { event: sent });

    assert.equal(first.errors, undefined);
    assert.equal(first.data?.track.status, 'CREATED');
    assert.equal(again.data?.track.status, 'UNCHANGED');
    assert.equal(again.data?.track.customerId, first.data?.track.customerId);
    const timeline = await execute(gateway.url, CustomerTimelineDocument, {
      type: 'ANONYMOUS_ID',
      value: anonymousId,
      first: 10,
    });
    const customer = timeline.data?.customerByIdentity;
    assert.equal(customer?.id, first.data?.track.customerId);
    assert.equal(customer?.displayName, 'Anonymous visitor');
    assert.deepEqual(customer?.identities, [{ type: 'ANONYMOUS_ID', value: anonymousId }]);
    assert.deepEqual(
      customer?.events?.edges.map((e) => e.node.messageId),
      [sent.messageId],
    );
  });

  it('finds a customer by an e-mail however the client spells it', async () => {
    const email = `Ada.${randomUUID().slice(0, 8)}@Example.COM`;
    const tracked = await execute(gateway.url, TrackDocument, {
      event: event('unused', { identity: { type: 'EMAIL', value: `  ${email} ` } }),
    });

    const found = await execute(gateway.url, CustomerTimelineDocument, {
      type: 'EMAIL',
      value: email.toUpperCase(),
      first: 1,
    });

    assert.equal(found.data?.customerByIdentity?.id, tracked.data?.track.customerId);
    assert.deepEqual(found.data?.customerByIdentity?.identities, [
      { type: 'EMAIL', value: email.toLowerCase() },
    ]);
  });

  it('rejects a malformed identity with BAD_USER_INPUT and stores nothing', async () => {
    const before = await countEvents();

    const result = await execute(gateway.url, TrackDocument, {
      event: event('x', { identity: { type: 'PHONE', value: '12' } }),
    });

    assert.equal(result.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
    assert.match(result.errors?.[0]?.message ?? '', /phone is not a valid number/);
    assert.equal(await countEvents(), before);
  });

  it('creates one customer when many requests race on one new identity', async () => {
    const anonymousId = randomUUID();

    const results = await Promise.all(
      Array.from({ length: 12 }, () =>
        execute(gateway.url, TrackDocument, { event: event(anonymousId) }),
      ),
    );

    const customers = new Set(results.map((r) => r.data?.track.customerId));
    assert.equal(customers.size, 1, JSON.stringify(results.map((r) => r.errors ?? r.data)));
    const timeline = await execute(gateway.url, CustomerTimelineDocument, {
      type: 'ANONYMOUS_ID',
      value: anonymousId,
      first: 20,
    });
    assert.equal(timeline.data?.customerByIdentity?.events?.edges.length, 12);
  });
});

describe('Mutation.trackBatch', () => {
  let gateway: TestApp;

  before(async () => {
    gateway = await createTestApp({ env: { BATCH_MAX_SIZE: '50' } });
  });

  after(async () => {
    await gateway.stop();
  });

  it('reports each event, stores the good ones and none of the bad ones', async () => {
    const visitor = randomUUID();
    const good = [
      event(visitor),
      event(visitor, { type: 'CART_ADD' }),
      event(visitor, { type: 'PURCHASE' }),
    ];
    const badEmail = event(visitor, { identity: { type: 'EMAIL', value: 'not-an-email' } });
    const emptyMessageId = event(visitor, { messageId: '' });

    const result = await execute(gateway.url, TrackBatchDocument, {
      events: [good[0]!, badEmail, good[1]!, emptyMessageId, good[2]!, good[0]!],
    });

    assert.equal(result.errors, undefined);
    const batch = result.data!.trackBatch;
    assert.deepEqual(
      batch.results.map((r) => [r.index, r.status, r.error?.code ?? null]),
      [
        [0, 'CREATED', null],
        [1, 'REJECTED', 'BAD_USER_INPUT'],
        [2, 'CREATED', null],
        [3, 'REJECTED', 'BAD_USER_INPUT'],
        [4, 'CREATED', null],
        [5, 'UNCHANGED', null],
      ],
    );
    assert.deepEqual([batch.created, batch.unchanged, batch.rejected], [3, 1, 2]);
    assert.equal(batch.results[5]!.customerId, batch.results[0]!.customerId);
    assert.match(batch.results[1]!.error!.message, /email is not an e-mail address/);
    const timeline = await execute(gateway.url, CustomerTimelineDocument, {
      type: 'ANONYMOUS_ID',
      value: visitor,
      first: 10,
    });
    assert.deepEqual(
      timeline.data?.customerByIdentity?.events?.edges.map((e) => e.node.type).sort(),
      ['CART_ADD', 'PURCHASE', 'VIEW'],
    );
  });

  it('rejects only the event PostgreSQL refuses, storing neither it nor its new customer', async () => {
    const visitor = randomUUID();
    const stranger = randomUUID();
    const good = [event(visitor), event(visitor, { type: 'PURCHASE' })];
    // Passes the gateway's checks; PostgreSQL refuses a NUL in text, inside the set-based write.
    const refused = event(stranger, { name: 'signup\u0000' });

    const result = await execute(gateway.url, TrackBatchDocument, {
      events: [good[0]!, refused, good[1]!, good[0]!],
    });

    assert.equal(result.errors, undefined);
    assert.deepEqual(
      result.data!.trackBatch.results.map((r) => [r.index, r.status, r.error?.code ?? null]),
      [
        [0, 'CREATED', null],
        [1, 'REJECTED', 'BAD_USER_INPUT'],
        [2, 'CREATED', null],
        [3, 'UNCHANGED', null],
      ],
    );
    const stored = await gateway.backends.postgres.query<{ message_id: string }>(
      'SELECT message_id FROM events WHERE message_id = ANY($1::text[])',
      [[good[0]!.messageId, refused.messageId, good[1]!.messageId]],
    );
    assert.deepEqual(
      stored.rows.map((r) => r.message_id).sort(),
      good.map((e) => e.messageId).sort(),
    );
    const strangerFound = await execute(gateway.url, CustomerTimelineDocument, {
      type: 'ANONYMOUS_ID',
      value: stranger,
      first: 1,
    });
    assert.equal(strangerFound.data?.customerByIdentity, null);
  });

  it('drops events of erased identities and of withdrawn consent per event, storing the rest', async () => {
    const [erased, withdrawn, fresh] = [randomUUID(), randomUUID(), randomUUID()];
    const seeded = await execute(gateway.url, TrackBatchDocument, {
      events: [event(erased), event(withdrawn)],
    });
    const [erasedId, withdrawnId] = seeded.data!.trackBatch.results.map((r) => r.customerId!);
    await execute(gateway.url, EraseCustomerDocument, { id: erasedId! });
    await execute(gateway.url, SetConsentDocument, {
      customerId: withdrawnId!,
      purpose: 'ANALYTICS',
      granted: false,
      source: null,
    });
    const dropped = async () =>
      Number(
        (
          await gateway.backends.postgres.query<{ n: string }>(
            'SELECT coalesce(sum(dropped_events), 0) AS n FROM erasure_suppressions',
          )
        ).rows[0]!.n,
      );
    const droppedBefore = await dropped();
    const sent = [event(erased), event(withdrawn), event(fresh), event(erased)];

    const result = await execute(gateway.url, TrackBatchDocument, { events: sent });

    assert.deepEqual(
      result.data!.trackBatch.results.map((r) => [r.status, r.error?.code ?? null]),
      [
        ['REJECTED', 'SUPPRESSED'],
        ['REJECTED', 'CONSENT_WITHDRAWN'],
        ['CREATED', null],
        ['REJECTED', 'SUPPRESSED'],
      ],
    );
    assert.equal(result.data!.trackBatch.results[1]!.customerId, withdrawnId);
    assert.equal(await dropped(), droppedBefore + 2);
    const stored = await gateway.backends.postgres.query<{ message_id: string }>(
      'SELECT message_id FROM events WHERE message_id = ANY($1::text[])',
      [sent.map((e) => e.messageId)],
    );
    assert.deepEqual(
      stored.rows.map((r) => r.message_id),
      [sent[2]!.messageId],
    );
  });

  it('writes 40 events with as many statements as 4, none of them per event', async () => {
    const known = Array.from({ length: 4 }, () => randomUUID());
    await execute(gateway.url, TrackBatchDocument, { events: known.map((v) => event(v)) });
    const statementsFor = async (events: ReturnType<typeof event>[]) => {
      const names: string[] = [];
      const record = (s: { name: string }) => {
        if (WRITE_PATH.has(s.name)) {
          names.push(s.name);
        }
      };
      gateway.backends.postgres.events.on('statement', record);
      try {
        const result = await execute(gateway.url, TrackBatchDocument, { events });
        assert.equal(result.data?.trackBatch.created, events.length, JSON.stringify(result));
      } finally {
        gateway.backends.postgres.events.off('statement', record);
      }
      return names.sort();
    };
    // Half of each batch for known customers, half for new visitors: both paths are taken.
    const batch = (size: number) =>
      Array.from({ length: size }, (_, i) =>
        event(i % 2 === 0 ? known[i % known.length]! : randomUUID()),
      );

    const four = await statementsFor(batch(4));
    const forty = await statementsFor(batch(40));

    assert.deepEqual(forty, four);
    assert.ok(!forty.includes('event.insert'), forty.join(', '));
    assert.equal(forty.filter((name) => name === 'event.insertMany').length, 1);
  });

  it('refuses a batch larger than BATCH_MAX_SIZE, writing nothing', async () => {
    const visitor = randomUUID();

    const result = await execute(gateway.url, TrackBatchDocument, {
      events: Array.from({ length: 51 }, () => event(visitor)),
    });

    assert.equal(result.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
    assert.match(result.errors?.[0]?.message ?? '', /1 to 50 items, got 51/);
    const timeline = await execute(gateway.url, CustomerTimelineDocument, {
      type: 'ANONYMOUS_ID',
      value: visitor,
      first: 1,
    });
    assert.equal(timeline.data?.customerByIdentity, null);
  });
});

describe('Customer.events', () => {
  let gateway: TestApp;
  const visitor = randomUUID();

  before(async () => {
    gateway = await createTestApp();
    const events = Array.from({ length: 7 }, (_, i) =>
      event(visitor, {
        type: i % 2 === 0 ? 'VIEW' : 'PURCHASE',
        name: `e${i}`,
        occurredAt: new Date(Date.UTC(2026, 0, 1, 12, 0, i)).toISOString(),
      }),
    );
    const result = await execute(gateway.url, TrackBatchDocument, { events });
    assert.equal(result.data?.trackBatch.created, 7);
  });

  after(async () => {
    await gateway.stop();
  });

  it('pages newest first with cursors until hasNextPage is false', async () => {
    const names: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page += 1) {
      const result = await execute(gateway.url, CustomerTimelineDocument, {
        type: 'ANONYMOUS_ID',
        value: visitor,
        first: 3,
        after,
      });
      const connection: NonNullable<
        NonNullable<CustomerTimelineQuery['customerByIdentity']>['events']
      > = result.data!.customerByIdentity!.events!;
      names.push(...connection.edges.map((e) => e.node.name!));
      if (!connection.pageInfo.hasNextPage) {
        break;
      }
      after = connection.pageInfo.endCursor;
    }

    assert.deepEqual(names, ['e6', 'e5', 'e4', 'e3', 'e2', 'e1', 'e0']);
  });

  it('filters by type', async () => {
    const result = await execute(gateway.url, CustomerTimelineDocument, {
      type: 'ANONYMOUS_ID',
      value: visitor,
      first: 10,
      types: ['PURCHASE'],
    });

    assert.deepEqual(
      result.data?.customerByIdentity?.events?.edges.map((e) => e.node.name),
      ['e5', 'e3', 'e1'],
    );
  });

  it('rejects a cursor it did not issue', async () => {
    const result = await execute(gateway.url, CustomerTimelineDocument, {
      type: 'ANONYMOUS_ID',
      value: visitor,
      first: 3,
      after: 'bm90LWEtY3Vyc29y',
    });

    assert.equal(result.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
  });
});
