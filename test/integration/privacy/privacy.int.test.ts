import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  CustomerIdentityViewDocument,
  EraseCustomerDocument,
  ExportCustomerDocument,
  IdentifyDocument,
  LinkRelationshipDocument,
  SetConsentDocument,
  TrackBatchDocument,
  TrackDocument,
} from '../../__generated__/graphql.js';
import { execute } from '../../support/graphql-client.js';
import { until } from '../../support/until.js';
import { removeFromGraph, seedCustomer } from '../../support/seed.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

describe('Mutation.eraseCustomer', () => {
  let gateway: TestApp;

  before(async () => {
    gateway = await createTestApp();
  });

  after(async () => {
    await gateway.stop();
  });

  const nodeExists = async (id: string) =>
    (
      await gateway.backends.graph.read('test.nodeExists', (tx) =>
        tx.run('MATCH (c:Customer {id: $id}) RETURN c', { id }),
      )
    ).records.length > 0;

  it('removes the subject from PostgreSQL and Neo4j, keeps relatives, and drops re-ingested events', async () => {
    const anonymousId = randomUUID();
    const email = `${randomUUID()}@example.com`;
    const event = (identity: { type: 'ANONYMOUS_ID' | 'EMAIL'; value: string }) => ({
      messageId: randomUUID(),
      identity,
      type: 'VIEW' as const,
    });
    const first = await execute(gateway.url, TrackDocument, {
      event: event({ type: 'ANONYMOUS_ID', value: anonymousId }),
    });
    const subject = first.data!.track.customerId!;
    await execute(gateway.url, IdentifyDocument, {
      input: { anonymousId, identity: { type: 'EMAIL', value: email } },
    });
    await execute(gateway.url, TrackDocument, { event: event({ type: 'EMAIL', value: email }) });
    const relative = await seedCustomer(gateway.url, 'Relative', []);
    await execute(gateway.url, LinkRelationshipDocument, {
      fromId: subject,
      toId: relative.id,
      type: 'SIBLING_OF',
    });
    await until(() => nodeExists(subject), Boolean, 10_000);

    const erased = await execute(gateway.url, EraseCustomerDocument, { id: subject });

    assert.deepEqual(erased.data?.eraseCustomer, {
      customerId: subject,
      suppressedIdentities: 2,
      erasedEvents: 2,
    });
    assert.equal(
      (await execute(gateway.url, CustomerIdentityViewDocument, { id: subject })).data?.customer,
      null,
    );
    const leftovers = await gateway.backends.postgres.query(
      `SELECT 'event' FROM events WHERE customer_id = $1
       UNION ALL SELECT 'identity' FROM identities WHERE customer_id = $1
       UNION ALL SELECT 'embedding' FROM customer_embeddings WHERE customer_id = $1`,
      [subject],
    );
    assert.equal(leftovers.rowCount, 0);
    assert.equal(
      await until(
        () => nodeExists(subject),
        (exists) => !exists,
        10_000,
      ),
      false,
      'graph node removed',
    );
    assert.equal(await nodeExists(relative.id), true, 'the relative keeps their node');

    // Re-ingestion: dropped and counted, never stored, never a new customer.
    const batch = await execute(gateway.url, TrackBatchDocument, {
      events: [
        event({ type: 'EMAIL', value: email.toUpperCase() }),
        event({ type: 'ANONYMOUS_ID', value: anonymousId }),
      ],
    });
    assert.deepEqual(
      batch.data?.trackBatch.results.map((r) => [r.status, r.error?.code, r.customerId]),
      [
        ['REJECTED', 'SUPPRESSED', null],
        ['REJECTED', 'SUPPRESSED', null],
      ],
    );
    const single = await execute(gateway.url, TrackDocument, {
      event: event({ type: 'EMAIL', value: email }),
    });
    assert.equal(single.errors?.[0]?.extensions?.['code'], 'SUPPRESSED');
    const identify = await execute(gateway.url, IdentifyDocument, {
      input: { anonymousId: randomUUID(), identity: { type: 'EMAIL', value: email } },
    });
    assert.equal(identify.errors?.[0]?.extensions?.['code'], 'SUPPRESSED');
    const { rows } = await gateway.backends.postgres.query<{ dropped: string }>(
      'SELECT sum(dropped_events) AS dropped FROM erasure_suppressions',
    );
    assert.equal(Number(rows[0]!.dropped), 3);
    const stored = await gateway.backends.postgres.query(
      "SELECT 1 FROM identities WHERE value = $1 OR (type = 'anonymous_id' AND value = $2)",
      [email, anonymousId],
    );
    assert.equal(stored.rowCount, 0);
    await removeFromGraph(gateway.backends, [relative.id]);
  });

  it('exportCustomer returns everything held about the subject, from every store', async () => {
    const email = `${randomUUID()}@example.com`;
    const tracked = await execute(gateway.url, TrackDocument, {
      event: {
        messageId: 'export-1',
        identity: { type: 'EMAIL', value: email },
        type: 'PURCHASE',
        properties: { sku: 'x' },
      },
    });
    const subject = tracked.data!.track.customerId!;
    const relative = await seedCustomer(gateway.url, 'Relative', []);
    await execute(gateway.url, LinkRelationshipDocument, {
      fromId: relative.id,
      toId: subject,
      type: 'PARENT_OF',
    });
    await execute(gateway.url, SetConsentDocument, {
      customerId: subject,
      purpose: 'AI',
      granted: false,
    });
    const exportOf = async () =>
      (await execute(gateway.url, ExportCustomerDocument, { id: subject })).data?.exportCustomer;
    const graph = await until(
      async () => (await exportOf())?.['graph'] as { relationships: unknown[] } | undefined,
      (g) => (g?.relationships.length ?? 0) > 0,
      10_000,
    );

    const data = (await exportOf())!;
    assert.deepEqual(Object.keys(data).sort(), [
      'consent',
      'customer',
      'embedding',
      'events',
      'exportedAt',
      'graph',
      'identities',
      'mergedFrom',
    ]);
    assert.deepEqual(data['identities'], [
      {
        type: 'email',
        value: email,
        createdAt: (data['identities'] as { createdAt: string }[])[0]!.createdAt,
      },
    ]);
    assert.deepEqual(
      (data['events'] as { messageId: string; properties: unknown }[]).map((e) => [
        e.messageId,
        e.properties,
      ]),
      [['export-1', { sku: 'x' }]],
    );
    assert.deepEqual(
      (data['consent'] as { purpose: string; granted: boolean }[]).map((c) => [
        c.purpose,
        c.granted,
      ]),
      [['ai', false]],
    );
    assert.deepEqual(graph?.relationships, [
      { type: 'PARENT_OF', direction: 'in', otherId: relative.id },
    ]);
    await removeFromGraph(gateway.backends, [subject, relative.id]);
  });

  it('answers NOT_FOUND for an id that never existed', async () => {
    const result = await execute(gateway.url, EraseCustomerDocument, { id: randomUUID() });

    assert.equal(result.errors?.[0]?.extensions?.['code'], 'NOT_FOUND');
  });
});
