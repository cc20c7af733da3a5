import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  CustomerProfileDocument,
  TrackDocument,
  UpsertCustomerDocument,
} from '../../__generated__/graphql.js';
import {
  HASHED_EMBEDDING_DIMENSIONS,
  HASHED_EMBEDDING_MODEL,
} from '../../../src/lib/hashed-embedding.js';
import { execute } from '../../support/graphql-client.js';
import { type SeededCustomer, seedCustomer } from '../../support/seed.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

describe('Customer.similarCustomers', () => {
  let gateway: TestApp;
  let cyclist: SeededCustomer, rider: SeededCustomer, blank: SeededCustomer;

  before(async () => {
    gateway = await createTestApp();
    cyclist = await seedCustomer(gateway.url, 'Cyclist', ['cycling', 'jazz']);
    rider = await seedCustomer(gateway.url, 'Rider', ['cycling', 'wine']);
    blank = await seedCustomer(gateway.url, 'No Interests', []);
  });

  after(async () => {
    await gateway.stop();
  });

  const similarTo = async (id: string) => {
    const result = await execute(gateway.url, CustomerProfileDocument, { id, similar: 10 });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    return result.data!.customer!.similarCustomers!;
  };

  it('is an empty list for a customer saved without interests', async () => {
    assert.deepEqual(await similarTo(blank.id), []);
  });

  it('never lists a customer saved without interests, and every score is a number', async () => {
    const similar = await similarTo(cyclist.id);

    assert.deepEqual(
      similar.map((s) => s.customer?.id),
      [rider.id],
    );
    assert.ok(similar.every((s) => Number.isFinite(s.score)));
  });

  it('is an empty list once a customer’s interests are all removed', async () => {
    const former = await seedCustomer(gateway.url, 'Former Cyclist', ['cycling', 'jazz']);
    assert.ok((await similarTo(former.id)).length > 0);

    const result = await execute(gateway.url, UpsertCustomerDocument, {
      input: { id: former.id, displayName: 'Former Cyclist', traits: { interests: [] } },
    });

    assert.equal(result.errors, undefined);
    assert.deepEqual(await similarTo(former.id), []);
    assert.ok(!(await similarTo(cyclist.id)).some((s) => s.customer?.id === former.id));
  });

  it('ignores zero vectors stored before they were refused (no interests, earlier versions)', async () => {
    const legacy = await seedCustomer(gateway.url, 'Legacy No Interests', []);
    await gateway.backends.postgres.query(
      `INSERT INTO customer_embeddings (customer_id, model, embedding)
       VALUES ($1, $2, array_fill(0, ARRAY[$3::int])::vector)`,
      [legacy.id, HASHED_EMBEDDING_MODEL, HASHED_EMBEDDING_DIMENSIONS],
    );

    assert.deepEqual(await similarTo(legacy.id), []);
    assert.deepEqual(
      (await similarTo(cyclist.id)).map((s) => s.customer?.id),
      [rider.id],
    );
  });

  it('is an empty list for a customer created by an event', async () => {
    const tracked = await execute(gateway.url, TrackDocument, {
      event: {
        messageId: randomUUID(),
        identity: { type: 'ANONYMOUS_ID', value: randomUUID() },
        type: 'VIEW',
      },
    });
    assert.equal(tracked.data?.track.status, 'CREATED');

    assert.deepEqual(await similarTo(tracked.data!.track.customerId!), []);
  });
});
