import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { Customer360PageDocument, TrackBatchDocument } from '../../__generated__/graphql.js';
import { execute } from '../../support/graphql-client.js';
import { removeFromGraph, seedFamily } from '../../support/seed.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

/** Statements of the request itself: the outbox relay polls in the background meanwhile. */
const isRequestStatement = (name: string) => !name.startsWith('outbox.');

describe('Query.customers (the 360 page)', () => {
  let gateway: TestApp;
  const ids: string[] = [];

  before(async () => {
    gateway = await createTestApp();
    // 60 customers, each with an e-mail, three events and a consent answer; pairs are spouses.
    const events = Array.from({ length: 60 }, (_, n) => {
      const email = `c${n}-${randomUUID()}@example.com`;
      return ['VIEW', 'CART_ADD', 'PURCHASE'].map((type) => ({
        messageId: randomUUID(),
        identity: { type: 'EMAIL' as const, value: email },
        type: type as 'VIEW',
      }));
    }).flat();
    const tracked = await execute(gateway.url, TrackBatchDocument, { events });
    assert.equal(tracked.data?.trackBatch.accepted, 180);
    ids.push(...new Set(tracked.data!.trackBatch.results.map((r) => r.customerId!)));
    const customers = ids.map((id) => ({ id, displayName: id }));
    const edges = customers.flatMap((c, i) =>
      i % 2 === 0 && customers[i + 1]
        ? [{ type: 'SPOUSE_OF' as const, from: c, to: customers[i + 1]! }]
        : [],
    );
    await seedFamily(gateway.backends, customers, edges);
  });

  after(async () => {
    await removeFromGraph(gateway.backends, ids);
    await gateway.stop();
  });

  const countFor = async (first: number) => {
    const postgres: string[] = [];
    const neo4j: string[] = [];
    const onStatement = (s: { name: string }) => {
      if (isRequestStatement(s.name)) {
        postgres.push(s.name);
      }
    };
    const onTransaction = (t: { name: string }) => neo4j.push(t.name);
    gateway.backends.postgres.events.on('statement', onStatement);
    gateway.backends.graph.events.on('transaction', onTransaction);
    try {
      const result = await execute(gateway.url, Customer360PageDocument, { first });
      assert.equal(result.errors, undefined, JSON.stringify(result.errors));
      const customers = result.data!.customers.edges.map((edge) => edge.node);
      assert.equal(customers.length, first);
      assert.ok(customers.every((c) => c.events?.edges.length === 3 && c.identities.length === 1));
      assert.ok(customers.some((c) => c.family?.length === 1));
    } finally {
      gateway.backends.postgres.events.off('statement', onStatement);
      gateway.backends.graph.events.off('transaction', onTransaction);
    }
    return { postgres: postgres.sort(), neo4j: neo4j.sort() };
  };

  it('costs the same number of PostgreSQL and Neo4j round trips for 5 customers as for 50', async () => {
    const five = await countFor(5);
    const fifty = await countFor(50);

    assert.deepEqual(fifty, five);
    assert.equal(five.neo4j.length, 1, 'one graph read for every family field');
    assert.ok(five.postgres.length <= 9, five.postgres.join(', '));
  });
});
