import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  CustomerProfileDocument,
  CustomerUpdatedDocument,
  RecentCustomersDocument,
  UpsertCustomerDocument,
} from '../../__generated__/graphql.js';
import { actUntilEvent, execute, subscribe, wsClient } from '../../support/graphql-client.js';
import {
  removeFromGraph,
  type SeededCustomer,
  seedCustomer,
  seedFamily,
  seedVocabulary,
} from '../../support/seed.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

describe('Customer', () => {
  let gateway: TestApp;
  let dad: SeededCustomer, mum: SeededCustomer, kid: SeededCustomer, stranger: SeededCustomer;

  before(async () => {
    gateway = await createTestApp();
    await seedVocabulary(gateway, [
      'cycling',
      'jazz',
      'coffee',
      'wine',
      'gaming',
      'comics',
      'mortgages',
      'investing',
    ]);
    dad = await seedCustomer(gateway.url, 'Dad Doe', ['cycling', 'jazz', 'coffee']);
    mum = await seedCustomer(gateway.url, 'Mum Doe', ['cycling', 'jazz', 'wine']);
    kid = await seedCustomer(gateway.url, 'Kid Doe', ['gaming', 'comics']);
    stranger = await seedCustomer(gateway.url, 'Stranger', ['mortgages', 'investing']);
    // seedFamily waits for the relay, which also gives them their preference vectors.
    await seedFamily(gateway, [
      { type: 'SPOUSE_OF', from: dad, to: mum },
      { type: 'PARENT_OF', from: dad, to: kid },
      { type: 'PARENT_OF', from: mum, to: kid },
    ]);
  });

  after(async () => {
    await removeFromGraph(
      gateway.backends,
      [dad, mum, kid, stranger].map((c) => c.id),
    );
    await gateway.stop();
  });

  it('Query.customer joins the PostgreSQL row, Neo4j family and pgvector neighbours', async () => {
    const result = await execute(gateway.url, CustomerProfileDocument, { id: dad.id });

    assert.equal(result.errors, undefined);
    const customer = result.data?.customer;
    assert.equal(customer?.displayName, 'Dad Doe');
    assert.deepEqual(customer?.traits['interests'], ['cycling', 'jazz', 'coffee']);
    assert.deepEqual(customer?.family?.map((r) => [r.relation, r.customer?.displayName]).sort(), [
      ['CHILD', 'Kid Doe'],
      ['SPOUSE', 'Mum Doe'],
    ]);
    // Mum shares two of three interests; she must be the nearest neighbour.
    assert.equal(customer?.similarCustomers?.[0]?.customer?.id, mum.id);
    assert.ok(customer!.similarCustomers![0]!.score > customer!.similarCustomers!.at(-1)!.score);
  });

  it('Customer.family reads each relation from the customer’s side', async () => {
    const result = await execute(gateway.url, CustomerProfileDocument, { id: kid.id });

    assert.deepEqual(
      result.data?.customer?.family?.map((r) => [r.relation, r.customer?.displayName]).sort(),
      [
        ['PARENT', 'Dad Doe'],
        ['PARENT', 'Mum Doe'],
      ],
    );
  });

  it('Query.customer returns null for an id that does not exist', async () => {
    const result = await execute(gateway.url, CustomerProfileDocument, { id: randomUUID() });

    assert.equal(result.errors, undefined);
    assert.equal(result.data?.customer, null);
  });

  it('Query.customer rejects a malformed id with BAD_USER_INPUT and no stack trace', async () => {
    const result = await execute(gateway.url, CustomerProfileDocument, { id: 'not-a-uuid' });

    assert.equal(result.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
    assert.match(result.errors?.[0]?.message ?? '', /id must be a UUID/);
    assert.equal(result.errors?.[0]?.extensions?.['stacktrace'], undefined);
  });

  it('Query.customers rejects a page size above 100', async () => {
    const result = await execute(gateway.url, RecentCustomersDocument, { first: 101 });

    assert.equal(result.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
  });

  it('Query.customers batches family and neighbours into one statement per store and field', async () => {
    const statements: string[] = [];
    // Only this module's statements: the outbox relay polls in the background meanwhile.
    const record = (s: { name: string }) => {
      if (s.name.startsWith('customer.') || s.name.startsWith('vectors.')) {
        statements.push(s.name);
      }
    };
    gateway.backends.postgres.events.on('statement', record);
    try {
      const result = await execute(gateway.url, RecentCustomersDocument, { first: 4 });
      assert.equal(result.errors, undefined);
      assert.equal(result.data?.customers.edges.length, 4);
    } finally {
      gateway.backends.postgres.events.off('statement', record);
    }
    // Relatives and neighbours outside the page would add one customer.findByIds; never more.
    assert.equal(new Set(statements).size, statements.length, statements.join(', '));
    assert.ok(
      statements.includes('customer.listPage') && statements.includes('vectors.nearestCustomers'),
    );
  });

  it('Mutation.upsertCustomer rejects an invalid e-mail and writes nothing', async () => {
    const id = randomUUID();
    const result = await execute(gateway.url, UpsertCustomerDocument, {
      input: { id, displayName: 'Bad Mail', email: 'not-an-email' },
    });

    assert.equal(result.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
    const lookup = await execute(gateway.url, CustomerProfileDocument, { id });
    assert.equal(lookup.data?.customer, null);
  });

  it('Mutation.upsertCustomer rejects interests that are not a list of strings', async () => {
    const result = await execute(gateway.url, UpsertCustomerDocument, {
      input: { displayName: 'Odd', traits: { interests: 'cycling' } },
    });

    assert.equal(result.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
    assert.match(result.errors?.[0]?.message ?? '', /interests must be a list of strings/);
  });

  it('Subscription.customerUpdated delivers a change made on another gateway instance through Redis', async () => {
    // A second gateway on the same PostgreSQL: only Redis connects the two processes' PubSubs.
    const other = await createTestApp({ database: gateway.database });
    const client = wsClient(gateway.url);
    try {
      const subscription = subscribe(client, CustomerUpdatedDocument, { id: stranger.id });
      let n = 0;
      const event = await actUntilEvent(subscription, () =>
        execute(other.url, UpsertCustomerDocument, {
          input: {
            id: stranger.id,
            displayName: `Stranger ${(n += 1)}`,
            traits: { interests: ['mortgages'] },
          },
        }),
      );

      assert.equal(event.errors, undefined);
      assert.equal(event.data?.customerUpdated.customerId, stranger.id);
      assert.match(event.data?.customerUpdated.customer?.displayName ?? '', /^Stranger \d+$/);
      subscription.unsubscribe();
    } finally {
      await client.dispose();
      await other.stop();
    }
  });
});
