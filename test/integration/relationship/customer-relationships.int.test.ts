import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  CustomerRelationshipsDocument,
  type CustomerRelationshipsQueryVariables,
  LinkRelationshipDocument,
  NodeByIdDocument,
} from '../../__generated__/graphql.js';
import { execute } from '../../support/graphql-client.js';
import { removeFromGraph, type SeededCustomer, seedCustomer } from '../../support/seed.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { until } from '../../support/until.js';

/*
 * Grandpa -PARENT_OF-> Ann -SPOUSE_OF- Bob; Ann -PARENT_OF-> Cat; Ann -HOUSEHOLD_MEMBER- Cat;
 * Cat -REFERRED-> Dan. Grandpa lives elsewhere; Dan is a friend. Eve and Fay were each recorded
 * as the other's parent (a data-entry mistake a walk must still answer the same way every time).
 */
describe('Customer.relationships and Customer.household', () => {
  let gateway: TestApp;
  const people: Record<string, SeededCustomer> = {};

  before(async () => {
    gateway = await createTestApp();
    for (const name of ['Grandpa', 'Ann', 'Bob', 'Cat', 'Dan', 'Eve', 'Fay']) {
      people[name] = await seedCustomer(gateway.url, name, []);
    }
    const links = [
      ['Grandpa', 'Ann', 'PARENT_OF'],
      ['Ann', 'Bob', 'SPOUSE_OF'],
      ['Ann', 'Cat', 'PARENT_OF'],
      ['Ann', 'Cat', 'HOUSEHOLD_MEMBER'],
      ['Eve', 'Fay', 'PARENT_OF'],
      ['Fay', 'Eve', 'PARENT_OF'],
      ['Cat', 'Dan', 'REFERRED'],
    ] as const;
    for (const [from, to, type] of links) {
      const result = await execute(gateway.url, LinkRelationshipDocument, {
        fromId: people[from]!.id,
        toId: people[to]!.id,
        type,
      });
      assert.equal(result.errors, undefined);
    }
    // The graph follows PostgreSQL through the outbox: wait until the last link is there.
    await until(
      () => walk('Dan', { depth: 1 }),
      (related) => related.length === 1,
      15_000,
    );
  });

  after(async () => {
    await removeFromGraph(
      gateway.backends,
      Object.values(people).map((p) => p.id),
    );
    await gateway.stop();
  });

  async function walk(name: string, variables: Omit<CustomerRelationshipsQueryVariables, 'id'>) {
    const result = await execute(gateway.url, CustomerRelationshipsDocument, {
      id: people[name]!.id,
      ...variables,
    });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    return result.data!.customer!.relationships!.map(
      (r) =>
        `${r.customer?.displayName}@${r.distance}:${r.path.map((h) => `${h.type}/${h.direction}`).join('>')}`,
    );
  }

  it('walks one hop over every type by default, reading direction from the customer’s side', async () => {
    assert.deepEqual((await walk('Ann', { depth: 1 })).sort(), [
      'Bob@1:SPOUSE_OF/OUTGOING',
      'Cat@1:HOUSEHOLD_MEMBER/OUTGOING',
      'Grandpa@1:PARENT_OF/INCOMING',
    ]);
  });

  it('follows only the given types, up to the given depth, with a shortest path to each', async () => {
    assert.deepEqual((await walk('Bob', { depth: 3, types: ['SPOUSE_OF', 'PARENT_OF'] })).sort(), [
      'Ann@1:SPOUSE_OF/INCOMING',
      'Cat@2:SPOUSE_OF/INCOMING>PARENT_OF/OUTGOING',
      'Grandpa@2:SPOUSE_OF/INCOMING>PARENT_OF/INCOMING',
    ]);
    assert.deepEqual(await walk('Bob', { depth: 2, types: ['REFERRED'] }), []);
    const threeHops = await walk('Bob', { depth: 3 });
    assert.ok(
      threeHops.includes('Dan@3:SPOUSE_OF/INCOMING>HOUSEHOLD_MEMBER/OUTGOING>REFERRED/OUTGOING'),
    );
    assert.ok(!(await walk('Bob', { depth: 2 })).some((r) => r.startsWith('Dan@')));
  });

  it('breaks ties between equal paths the same way on every read: by type, then incoming first', async () => {
    for (let read = 0; read < 5; read += 1) {
      const ann = await walk('Ann', { depth: 1, types: ['PARENT_OF', 'HOUSEHOLD_MEMBER'] });
      assert.deepEqual(ann.sort(), [
        'Cat@1:HOUSEHOLD_MEMBER/OUTGOING',
        'Grandpa@1:PARENT_OF/INCOMING',
      ]);
      assert.deepEqual(await walk('Eve', { depth: 1 }), ['Fay@1:PARENT_OF/INCOMING']);
      assert.deepEqual(await walk('Fay', { depth: 1 }), ['Eve@1:PARENT_OF/INCOMING']);
    }
  });

  it('refuses a depth outside 1..3 with BAD_USER_INPUT', async () => {
    const result = await execute(gateway.url, CustomerRelationshipsDocument, {
      id: people['Ann']!.id,
      depth: 4,
    });

    assert.equal(result.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
  });

  it('gives the household: partners and household members, not the grandparent or a referral', async () => {
    const result = await execute(gateway.url, CustomerRelationshipsDocument, {
      id: people['Bob']!.id,
      depth: 1,
    });

    const household = result.data!.customer!.household!;
    assert.equal(household.size, 3);
    assert.deepEqual(
      household.members.map((m) => `${m.customer?.displayName}@${m.distance}`),
      ['Ann@1', 'Cat@2'],
    );
  });

  it('finds a customer with node(id), and answers null for an unknown id', async () => {
    const found = await execute(gateway.url, NodeByIdDocument, { id: people['Cat']!.id });
    const missing = await execute(gateway.url, NodeByIdDocument, { id: randomUUID() });
    const malformed = await execute(gateway.url, NodeByIdDocument, { id: 'cat' });

    assert.deepEqual(found.data?.node, {
      __typename: 'Customer',
      id: people['Cat']!.id,
      displayName: 'Cat',
    });
    assert.equal(missing.data?.node, null);
    assert.equal(malformed.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
  });
});
