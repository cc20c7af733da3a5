import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { OutboxStore } from '../../../src/outbox/outbox.store.js';
import { TrackDocument, UpsertCustomerDocument } from '../../__generated__/graphql.js';
import { execute } from '../../support/graphql-client.js';
import { type PrivateNeo4j, startPrivateNeo4j } from '../../support/private-neo4j.js';
import { until } from '../../support/until.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

describe('outbox relay', () => {
  let neo4j: PrivateNeo4j;
  let gateway: TestApp;

  before(async () => {
    neo4j = await startPrivateNeo4j();
    gateway = await createTestApp({ env: { NEO4J_URI: neo4j.uri } });
  });

  after(async () => {
    await gateway?.stop();
    await neo4j?.dispose();
  });

  const upsert = async (id: string, n: number) => {
    const result = await execute(gateway.url, UpsertCustomerDocument, {
      input: { id, displayName: `Customer ${n}`, traits: { interests: ['books'] } },
    });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
  };
  const graphNames = async (ids: readonly string[]) => {
    const result = await gateway.backends.graph.read('test.customerNames', (tx) =>
      tx.run('MATCH (c:Customer) WHERE c.id IN $ids RETURN c.id AS id, c.displayName AS name', {
        ids,
      }),
    );
    return new Map(result.records.map((r) => [r.get('id') as string, r.get('name') as string]));
  };

  it('brings every write acknowledged while Neo4j was down into the graph, exactly once', async () => {
    const ids = Array.from({ length: 60 }, () => randomUUID());
    let written = 0;
    const ingestion = (async () => {
      for (const [n, id] of ids.entries()) {
        await upsert(id, n);
        written += 1;
        await new Promise((resolve) => setTimeout(resolve, 40)); // a steady stream, not a burst
      }
    })();
    // Neo4j goes away in the middle of the stream; PostgreSQL acknowledges every write anyway.
    await until(
      async () => written,
      (n) => n >= 10,
      30_000,
    );
    await neo4j.stop();
    await ingestion;
    await upsert(ids[0]!, 1000); // a rename while the graph is away
    const visitor = randomUUID();
    const tracked = await execute(gateway.url, TrackDocument, {
      event: {
        messageId: randomUUID(),
        identity: { type: 'ANONYMOUS_ID', value: visitor },
        type: 'VIEW',
      },
    });
    const anonymousId = tracked.data!.track.customerId!;
    const outbox = new OutboxStore(gateway.backends.postgres);
    assert.ok((await outbox.backlog()).pending >= 10, 'changes wait while Neo4j is down');

    await neo4j.restart();

    const backlog = await until(
      () => outbox.backlog(),
      (b) => b.pending === 0,
      60_000,
    );
    assert.equal(backlog.pending, 0);
    const names = await graphNames([...ids, anonymousId]);
    assert.equal(names.size, 61);
    assert.equal(names.get(ids[0]!), 'Customer 1000', 'the later write wins');
    assert.equal(names.get(ids[59]!), 'Customer 59');
    assert.equal(names.get(anonymousId), 'Anonymous visitor');
    const count = await gateway.backends.graph.read('test.countCustomers', (tx) =>
      tx.run('MATCH (c:Customer) WHERE c.id IN $ids RETURN count(c) AS n', { ids }),
    );
    assert.equal(count.records[0]!.get('n'), 60, 'one node per customer, however often relayed');
  });
});
