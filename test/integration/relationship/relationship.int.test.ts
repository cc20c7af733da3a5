import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  CustomerProfileDocument,
  LinkRelationshipDocument,
  UnlinkRelationshipDocument,
} from '../../__generated__/graphql.js';
import { execute } from '../../support/graphql-client.js';
import { until } from '../../support/until.js';
import { removeFromGraph, type SeededCustomer, seedCustomer } from '../../support/seed.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

describe('Mutation.linkRelationship', () => {
  let gateway: TestApp;
  let ann: SeededCustomer, bob: SeededCustomer, cat: SeededCustomer;
  const familyOf = async (customer: SeededCustomer) => {
    const result = await execute(gateway.url, CustomerProfileDocument, { id: customer.id });
    return (result.data?.customer?.family ?? [])
      .map((r) => `${r.relation}:${r.customer?.displayName}`)
      .sort();
  };

  before(async () => {
    gateway = await createTestApp();
    ann = await seedCustomer(gateway.url, 'Ann', []);
    bob = await seedCustomer(gateway.url, 'Bob', []);
    cat = await seedCustomer(gateway.url, 'Cat', []);
  });

  after(async () => {
    await removeFromGraph(gateway.backends, [ann.id, bob.id, cat.id]);
    await gateway.stop();
  });

  it('relates customers in the graph, and unlinking removes only that relationship', async () => {
    for (const [fromId, toId, type] of [
      [ann.id, bob.id, 'SPOUSE_OF'],
      [ann.id, cat.id, 'PARENT_OF'],
      [ann.id, bob.id, 'SPOUSE_OF'], // again: idempotent
    ] as const) {
      const result = await execute(gateway.url, LinkRelationshipDocument, { fromId, toId, type });
      assert.equal(result.errors, undefined);
    }

    const linked = await until(
      () => familyOf(ann),
      (f) => f.length === 2,
      10_000,
    );
    assert.deepEqual(linked, ['CHILD:Cat', 'SPOUSE:Bob']);
    assert.deepEqual(await familyOf(cat), ['PARENT:Ann']);

    // Symmetric types unlink whichever way round they are named.
    await execute(gateway.url, UnlinkRelationshipDocument, {
      fromId: bob.id,
      toId: ann.id,
      type: 'SPOUSE_OF',
    });

    assert.deepEqual(
      await until(
        () => familyOf(ann),
        (f) => f.length === 1,
        10_000,
      ),
      ['CHILD:Cat'],
    );
  });

  it('answers NOT_FOUND for an unknown customer and BAD_USER_INPUT for a self-relationship', async () => {
    const unknown = await execute(gateway.url, LinkRelationshipDocument, {
      fromId: ann.id,
      toId: randomUUID(),
      type: 'SIBLING_OF',
    });
    const self = await execute(gateway.url, LinkRelationshipDocument, {
      fromId: ann.id,
      toId: ann.id,
      type: 'SIBLING_OF',
    });

    assert.equal(unknown.errors?.[0]?.extensions?.['code'], 'NOT_FOUND');
    assert.equal(unknown.errors?.[0]?.extensions?.['argument'], 'toId');
    assert.equal(self.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
  });
});
