import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  CustomerProfileDocument,
  FitRecommendationModelsDocument,
  TrackDocument,
  UpsertCustomerDocument,
  UpsertProductsDocument,
} from '../../__generated__/graphql.js';
import { execute } from '../../support/graphql-client.js';
import { relayed, type SeededCustomer, seedCustomer } from '../../support/seed.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

describe('Customer.similarCustomers', () => {
  let gateway: TestApp;
  // The same database without the 360 read model: every read searches.
  let live: TestApp;
  let cyclist: SeededCustomer, rider: SeededCustomer, blank: SeededCustomer;

  /** Customers get preference vectors from the relay, once a text model exists. */
  const seed = async (name: string, interests: string[]) => {
    const customer = await seedCustomer(gateway.url, name, interests);
    await relayed(gateway.backends);
    return customer;
  };

  before(async () => {
    gateway = await createTestApp();
    // The text model learns its words from the catalogue: these give interests a meaning.
    const tag = randomUUID().slice(0, 8);
    const products = await execute(gateway.url, UpsertProductsDocument, {
      input: [
        { sku: `BIKE-${tag}`, name: 'Road bike', keywords: ['cycling', 'bike'] },
        { sku: `HELMET-${tag}`, name: 'Cycling helmet', keywords: ['cycling', 'safety'] },
        { sku: `VINYL-${tag}`, name: 'Jazz vinyl', keywords: ['jazz', 'music'] },
        { sku: `WINE-${tag}`, name: 'Red wine', keywords: ['wine', 'drinks'] },
        { sku: `SOCKS-${tag}`, name: 'Wool socks', keywords: ['clothing'] },
      ],
    });
    assert.equal(products.errors, undefined, JSON.stringify(products.errors));
    const fit = await execute(gateway.url, FitRecommendationModelsDocument, {});
    assert.equal(fit.errors, undefined, JSON.stringify(fit.errors));
    live = await createTestApp({ database: gateway.database, env: { READ_MODEL: 'off' } });
    cyclist = await seed('Cyclist', ['cycling', 'jazz']);
    rider = await seed('Rider', ['cycling', 'wine']);
    blank = await seed('No Interests', []);
  });

  after(async () => {
    await live?.stop();
    await gateway.stop();
  });

  const similarTo = async (id: string, app = gateway) => {
    const result = await execute(app.url, CustomerProfileDocument, { id, similar: 10 });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    return result.data!.customer!.similarCustomers!;
  };

  it('is an empty list for a customer saved without interests or history', async () => {
    assert.deepEqual(await similarTo(blank.id), []);
  });

  it('lists customers with shared interests, never one without a vector, with finite scores', async () => {
    const similar = await similarTo(cyclist.id);
    assert.deepEqual(
      similar.map((s) => s.customer?.id),
      [rider.id],
    );
    assert.ok(similar.every((s) => Number.isFinite(s.score) && s.score > 0 && s.score <= 1));
  });

  it('searches in one statement unless the list must be wider than pgvector’s default', async () => {
    const statements: string[] = [];
    // Only vector statements: the outbox relay polls in the background meanwhile.
    const record = (s: { name: string }) => {
      if (s.name.startsWith('vectors.')) {
        statements.push(s.name);
      }
    };
    // Once per process: what pgvector's ef_search is on this server.
    await similarTo(cyclist.id, live);
    live.backends.postgres.events.on('statement', record);
    try {
      await similarTo(cyclist.id, live);
      assert.deepEqual(statements, ['vectors.nearestCustomers']);
      statements.length = 0;
      // 51 rows (the customer's own included) need a list wider than the default 40.
      const wide = await execute(live.url, CustomerProfileDocument, {
        id: cyclist.id,
        similar: 50,
      });
      assert.equal(wide.errors, undefined, JSON.stringify(wide.errors));
      assert.deepEqual(
        wide.data!.customer!.similarCustomers!.map((s) => s.customer?.id),
        [rider.id],
      );
      assert.deepEqual(statements, ['vectors.efSearch', 'vectors.nearestCustomers']);
    } finally {
      live.backends.postgres.events.off('statement', record);
    }
  });

  it('answers concurrent reads as it answers each alone', async () => {
    // A third cyclist, so that one neighbour and ten are different answers.
    const fan = await seed('Cycling Fan', ['cycling']);
    const asks = [cyclist.id, rider.id, fan.id, blank.id].flatMap((id) =>
      [1, 10].map((similar) => ({ id, similar })),
    );
    // On the live path: a 360 document made before the fan existed may list it only once it
    // has aged (READ_MODEL_SIMILAR_MAX_AGE_S).
    const read = async (ask: { id: string; similar: number }) => {
      const result = await execute(live.url, CustomerProfileDocument, ask);
      assert.equal(result.errors, undefined, JSON.stringify(result.errors));
      return result.data!.customer!.similarCustomers!;
    };
    const alone = [];
    for (const ask of asks) {
      alone.push(await read(ask));
    }
    // Requests of one instance share search statements; each still gets its own answer.
    const together = await Promise.all(asks.map(read));
    assert.deepEqual(together, alone);
    assert.deepEqual(
      alone.map((similar) => similar.length),
      [1, 2, 1, 2, 1, 2, 0, 0],
    );
  });

  it('is an empty list once a customer’s interests are all removed', async () => {
    const former = await seed('Former Cyclist', ['cycling', 'jazz']);
    assert.ok((await similarTo(former.id)).length > 0);

    const result = await execute(gateway.url, UpsertCustomerDocument, {
      input: { id: former.id, displayName: 'Former Cyclist', traits: { interests: [] } },
    });
    assert.equal(result.errors, undefined);
    await relayed(gateway.backends);

    assert.deepEqual(await similarTo(former.id), []);
    assert.ok(!(await similarTo(cyclist.id)).some((s) => s.customer?.id === former.id));
  });

  it('never compares vectors of another model', async () => {
    const other = await seed('Other Space', []);
    await gateway.backends.postgres.query(
      `INSERT INTO customer_embeddings (customer_id, model, embedding)
       SELECT $1, 'another-model', embedding FROM customer_embeddings WHERE customer_id = $2`,
      [other.id, rider.id],
    );
    assert.deepEqual(await similarTo(other.id), []);
    assert.ok(!(await similarTo(cyclist.id)).some((s) => s.customer?.id === other.id));
  });

  it('is an empty list for a customer created by an event that names no item', async () => {
    const tracked = await execute(gateway.url, TrackDocument, {
      event: {
        messageId: randomUUID(),
        identity: { type: 'ANONYMOUS_ID', value: randomUUID() },
        type: 'VIEW',
      },
    });
    assert.equal(tracked.data?.track.status, 'CREATED');
    await relayed(gateway.backends);

    assert.deepEqual(await similarTo(tracked.data!.track.customerId!), []);
  });
});
