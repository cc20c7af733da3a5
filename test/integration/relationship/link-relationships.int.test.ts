import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  CustomerProfileDocument,
  LinkRelationshipsDocument,
  MergeCustomersDocument,
} from '../../__generated__/graphql.js';
import { execute } from '../../support/graphql-client.js';
import { removeFromGraph, type SeededCustomer, seedCustomer } from '../../support/seed.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { until } from '../../support/until.js';

describe('Mutation.linkRelationships', () => {
  let gateway: TestApp;
  let ann: SeededCustomer, bob: SeededCustomer, cat: SeededCustomer, dan: SeededCustomer;
  const familyOf = async (customer: SeededCustomer) => {
    const result = await execute(gateway.url, CustomerProfileDocument, { id: customer.id });
    return (result.data?.customer?.family ?? [])
      .map((r) => `${r.relation}:${r.customer?.displayName}`)
      .sort();
  };

  before(async () => {
    gateway = await createTestApp({ env: { BATCH_MAX_SIZE: '5' } });
    [ann, bob, cat, dan] = (await Promise.all(
      ['Ann', 'Bob', 'Cat', 'Dan'].map((name) => seedCustomer(gateway.url, name, [])),
    )) as [SeededCustomer, SeededCustomer, SeededCustomer, SeededCustomer];
  });

  after(async () => {
    await removeFromGraph(gateway.backends, [ann.id, bob.id, cat.id, dan.id]);
    await gateway.stop();
  });

  it('links the good items and rejects each bad one with its reason, in request order', async () => {
    const unknown = randomUUID();
    const result = await execute(gateway.url, LinkRelationshipsDocument, {
      input: [
        { fromId: ann.id, toId: bob.id, type: 'SPOUSE_OF' },
        { fromId: ann.id, toId: unknown, type: 'PARENT_OF' },
        { fromId: cat.id, toId: cat.id, type: 'SIBLING_OF' },
        { fromId: 'not-a-uuid', toId: cat.id, type: 'SIBLING_OF' },
        { fromId: ann.id, toId: cat.id.toUpperCase(), type: 'PARENT_OF' },
      ],
    });

    assert.equal(result.errors, undefined);
    const bulk = result.data!.linkRelationships;
    assert.deepEqual(
      { created: bulk.created, updated: bulk.updated, rejected: bulk.rejected },
      { created: 2, updated: 0, rejected: 3 },
    );
    assert.deepEqual(
      bulk.results.map((r) => [r.index, r.status, r.id, r.error?.code ?? null]),
      [
        [0, 'CREATED', null, null],
        [1, 'REJECTED', null, 'NOT_FOUND'],
        [2, 'REJECTED', null, 'BAD_USER_INPUT'],
        [3, 'REJECTED', null, 'BAD_USER_INPUT'],
        [4, 'CREATED', null, null],
      ],
    );
    assert.match(bulk.results[1]!.error!.message, new RegExp(unknown));
    assert.deepEqual(
      await until(
        () => familyOf(ann),
        (f) => f.length === 2,
        10_000,
      ),
      ['CHILD:Cat', 'SPOUSE:Bob'],
    );
  });

  it('links the survivor when given an id that was merged into it', async () => {
    const merged = await seedCustomer(gateway.url, 'Dan (old)', []);
    const merge = await execute(gateway.url, MergeCustomersDocument, {
      survivorId: dan.id,
      mergedId: merged.id,
    });
    assert.equal(merge.errors, undefined);

    const result = await execute(gateway.url, LinkRelationshipsDocument, {
      input: [{ fromId: merged.id, toId: bob.id, type: 'SIBLING_OF' }],
    });

    assert.equal(result.data?.linkRelationships.created, 1);
    assert.deepEqual(
      await until(
        () => familyOf(dan),
        (f) => f.length === 1,
        10_000,
      ),
      ['SIBLING:Bob'],
    );
  });

  it('refuses an empty or oversized batch as a whole, writing nothing', async () => {
    const link = { fromId: cat.id, toId: dan.id, type: 'SPOUSE_OF' as const };

    const empty = await execute(gateway.url, LinkRelationshipsDocument, { input: [] });
    const oversized = await execute(gateway.url, LinkRelationshipsDocument, {
      input: Array.from({ length: 6 }, () => link),
    });
    // The relay applies links in order, so once this later one shows, a stored earlier one would.
    await execute(gateway.url, LinkRelationshipsDocument, {
      input: [{ fromId: cat.id, toId: bob.id, type: 'SIBLING_OF' }],
    });

    assert.equal(empty.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
    assert.equal(oversized.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
    assert.equal(oversized.errors?.[0]?.extensions?.['max'], 5);
    assert.deepEqual(
      await until(
        () => familyOf(cat),
        (f) => f.length >= 2,
        10_000,
      ),
      ['PARENT:Ann', 'SIBLING:Bob'],
    );
  });
});
