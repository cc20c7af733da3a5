import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  Customer360PageDocument,
  TargetCampaignDocument,
  TrackBatchDocument,
  UpsertCampaignDocument,
  UpsertProductDocument,
} from '../../__generated__/graphql.js';
import { execute } from '../../support/graphql-client.js';
import { relayed, removeFromGraph, seedFamily } from '../../support/seed.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

/**
 * Work every instance does on its own timers (relay, change-feed poll, webhook claims, the
 * read model's projector), not the request's.
 */
const BACKGROUND = [
  'outbox.',
  'changeFeed.',
  'webhookDestination.claim',
  'segments.list',
  'read-model.',
];
const isRequestStatement = (name: string) => !BACKGROUND.some((prefix) => name.startsWith(prefix));

describe('Query.customers (the 360 page)', () => {
  let gateway: TestApp;
  const ids: string[] = [];
  const catalogIds: string[] = [];

  before(async () => {
    // The live path's batching is under test: no document may answer, and no projector build
    // may add its statements to the count.
    gateway = await createTestApp({ env: { READ_MODEL: 'off' } });
    const sku = `SKU-${randomUUID()}`;
    const product = await execute(gateway.url, UpsertProductDocument, {
      input: { sku, name: 'Kettle' },
    });
    catalogIds.push(product.data!.upsertProduct.id);
    // 60 customers, each with an e-mail, three events (about one product) and a consent
    // answer; pairs are spouses; all are targeted by one campaign.
    const events = Array.from({ length: 60 }, (_, n) => {
      const email = `c${n}-${randomUUID()}@example.com`;
      return ['VIEW', 'CART_ADD', 'PURCHASE'].map((type) => ({
        messageId: randomUUID(),
        identity: { type: 'EMAIL' as const, value: email },
        type: type as 'VIEW',
        properties: { sku },
      }));
    }).flat();
    const tracked = await execute(gateway.url, TrackBatchDocument, { events });
    assert.equal(tracked.data?.trackBatch.created, 180);
    ids.push(...new Set(tracked.data!.trackBatch.results.map((r) => r.customerId!)));
    const customers = ids.map((id) => ({ id, displayName: id }));
    const edges = customers.flatMap((c, i) =>
      i % 2 === 0 && customers[i + 1]
        ? [{ type: 'SPOUSE_OF' as const, from: c, to: customers[i + 1]! }]
        : [],
    );
    await seedFamily(gateway, edges);
    const campaign = await execute(gateway.url, UpsertCampaignDocument, {
      input: { externalId: randomUUID(), name: 'Welcome', channel: 'EMAIL' },
    });
    catalogIds.push(campaign.data!.upsertCampaign.id);
    await execute(gateway.url, TargetCampaignDocument, {
      campaignId: campaign.data!.upsertCampaign.id,
      customerIds: ids,
    });
    // The graph follows through the outbox; counting starts once the relay is idle, so its
    // writes never mix with the page's reads.
    await relayed(gateway.backends);
  });

  after(async () => {
    await removeFromGraph(gateway.backends, ids);
    await gateway.backends.graph.write('test.removeCatalog', (tx) =>
      tx.run('MATCH (n) WHERE (n:Product OR n:Campaign) AND n.id IN $ids DETACH DELETE n', {
        ids: catalogIds,
      }),
    );
    await gateway.stop();
  });

  const countFor = async (first: number, target: TestApp = gateway) => {
    const postgres: string[] = [];
    const neo4j: string[] = [];
    const onStatement = (s: { name: string }) => {
      if (isRequestStatement(s.name)) {
        postgres.push(s.name);
      }
    };
    const onTransaction = (t: { name: string }) => neo4j.push(t.name);
    target.backends.postgres.events.on('statement', onStatement);
    target.backends.graph.events.on('transaction', onTransaction);
    try {
      const result = await execute(target.url, Customer360PageDocument, { first });
      assert.equal(result.errors, undefined, JSON.stringify(result.errors));
      const customers = result.data!.customers.edges.map((edge) => edge.node);
      assert.equal(customers.length, first);
      assert.ok(
        customers.every(
          (c) =>
            c.events?.edges.length === 3 &&
            c.identities.length === 1 &&
            c.interactions?.purchased[0]?.count === 1 &&
            c.campaigns?.[0]?.campaign?.name === 'Welcome',
        ),
      );
      assert.ok(customers.some((c) => c.family?.length === 1));
    } finally {
      target.backends.postgres.events.off('statement', onStatement);
      target.backends.graph.events.off('transaction', onTransaction);
    }
    return { postgres: postgres.sort(), neo4j: neo4j.sort() };
  };

  it('costs the same number of PostgreSQL and Neo4j round trips for 5 customers as for 50', async () => {
    const five = await countFor(5);
    const fifty = await countFor(50);

    assert.deepEqual(fifty, five);
    assert.deepEqual(
      five.neo4j,
      [
        'interaction.listCampaignsByCustomerIds',
        'interaction.listInteractionsByCustomerIds',
        'relationship.listHouseholds',
        'relationship.listRelated',
        'relationship.listRelativesByCustomerIds',
      ],
      'one graph read per graph field, whatever the page size',
    );
    assert.ok(five.postgres.length <= 11, five.postgres.join(', '));
  });

  it('costs round trips per customer with DATALOADER=off (the baseline the loaders beat)', async () => {
    const unbatched = await createTestApp({
      env: { DATALOADER: 'off', READ_MODEL: 'off' },
      database: gateway.database,
    });
    try {
      const five = await countFor(5, unbatched);
      const fifty = await countFor(50, unbatched);

      assert.ok(
        fifty.postgres.length > 5 * five.postgres.length,
        `${five.postgres.length} vs ${fifty.postgres.length}`,
      );
      assert.ok(fifty.neo4j.length > 5 * five.neo4j.length);
    } finally {
      await unbatched.stop();
    }
  });
});
