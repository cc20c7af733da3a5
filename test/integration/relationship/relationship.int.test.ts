import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import pg from 'pg';

import {
  CustomerProfileDocument,
  EraseCustomerDocument,
  LinkRelationshipDocument,
  MergeCustomersDocument,
  UnlinkRelationshipDocument,
} from '../../__generated__/graphql.js';
import { lockWaiters } from '../../support/database.js';
import { execute } from '../../support/graphql-client.js';
import { until } from '../../support/until.js';
import { relayed, removeFromGraph, type SeededCustomer, seedCustomer } from '../../support/seed.js';
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

  it('links the survivor when given a merged id, as the bulk form does', async () => {
    const survivor = await seedCustomer(gateway.url, 'Dee', []);
    const merged = await seedCustomer(gateway.url, 'Dee (duplicate)', []);
    const child = await seedCustomer(gateway.url, 'Eve', []);
    try {
      const merge = await execute(gateway.url, MergeCustomersDocument, {
        survivorId: survivor.id,
        mergedId: merged.id,
      });
      assert.equal(merge.errors, undefined, JSON.stringify(merge.errors));

      const linked = await execute(gateway.url, LinkRelationshipDocument, {
        fromId: merged.id,
        toId: child.id,
        type: 'PARENT_OF',
      });

      assert.equal(linked.errors, undefined, JSON.stringify(linked.errors));
      assert.deepEqual(linked.data?.linkRelationship, {
        type: 'PARENT_OF',
        fromId: survivor.id,
        toId: child.id,
      });
      await relayed(gateway.backends);
      assert.deepEqual(await familyOf(child), ['PARENT:Dee']);
    } finally {
      await removeFromGraph(gateway.backends, [survivor.id, merged.id, child.id]);
    }
  });

  it('waits for an erasure in progress and never brings the erased customer back into the graph', async () => {
    const erased = await seedCustomer(gateway.url, 'Fay', []);
    const other = await seedCustomer(gateway.url, 'Gus', []);
    // Hold the customer's row, as a long transaction would, so the erasure and then the link
    // queue up behind it in that order.
    const holder = new pg.Client({ connectionString: gateway.database.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM customers WHERE id = $1 FOR UPDATE', [erased.id]);
      const waiting = () => lockWaiters(gateway.database.url);
      const erasure = execute(gateway.url, EraseCustomerDocument, { id: erased.id });
      assert.equal(await until(waiting, (n) => n === 1, 10_000), 1, 'the erasure waits');
      const link = execute(gateway.url, LinkRelationshipDocument, {
        fromId: erased.id,
        toId: other.id,
        type: 'SPOUSE_OF',
      });
      assert.equal(await until(waiting, (n) => n === 2, 10_000), 2, 'the link waits too');
      await holder.query('COMMIT');

      assert.equal((await erasure).errors, undefined);
      assert.equal((await link).errors?.[0]?.extensions?.['code'], 'SUPPRESSED');
      await relayed(gateway.backends);
      const nodes = await gateway.backends.graph.read('test.erasedNode', (tx) =>
        tx.run('MATCH (c:Customer {id: $id}) RETURN count(c) AS n', { id: erased.id }),
      );
      assert.equal(nodes.records[0]!.get('n'), 0);
    } finally {
      await holder.end();
      await removeFromGraph(gateway.backends, [erased.id, other.id]);
    }
  });
});
