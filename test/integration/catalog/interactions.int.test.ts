import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  CustomerCatalogDocument,
  type CustomerCatalogQuery,
  ExportCustomerDocument,
  MergeCustomersDocument,
  TargetCampaignDocument,
  TrackBatchDocument,
  UpsertCampaignDocument,
  UpsertProductsDocument,
} from '../../__generated__/graphql.js';
import { InteractionGraph } from '../../../src/modules/interaction/interaction.graph.js';
import { CustomerGraph } from '../../../src/modules/customer/customer.graph.js';
import { execute } from '../../support/graphql-client.js';
import { relayed, removeFromGraph } from '../../support/seed.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

type Seen = CustomerCatalogQuery['customer'] | undefined;
type EventType = 'VIEW' | 'CART_ADD' | 'PURCHASE' | 'CAMPAIGN_TOUCH' | 'PAGE';

interface Tracked {
  messageId: string;
  type: EventType;
  properties: Record<string, unknown>;
  occurredAt: string;
}

describe('Customer.interactions and Customer.campaigns', () => {
  let gateway: TestApp;
  const customers: string[] = [];
  const catalogIds: string[] = [];
  let boots: { id: string; sku: string };
  let socks: { id: string; sku: string };
  let campaign: { id: string; externalId: string };

  const track = async (email: string, events: Tracked[]) => {
    const result = await execute(gateway.url, TrackBatchDocument, {
      events: events.map((e) => ({ ...e, identity: { type: 'EMAIL' as const, value: email } })),
    });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    const ids = result.data!.trackBatch.results.map((r) => r.customerId!);
    customers.push(...ids);
    return { customerId: ids[0]!, batch: result.data!.trackBatch };
  };
  const event = (type: EventType, properties: Record<string, unknown>, minute: number) => ({
    messageId: randomUUID(),
    type,
    properties,
    occurredAt: new Date(Date.UTC(2026, 10, 1, 12, minute)).toISOString(),
  });
  const catalogOf = async (id: string) =>
    (await execute(gateway.url, CustomerCatalogDocument, { id })).data?.customer;
  const summary = (c: Seen) => ({
    viewed: c?.interactions?.viewed.map((i) => [i.product?.sku, i.count, i.firstAt, i.lastAt]),
    carted: c?.interactions?.carted.map((i) => [i.product?.sku, i.count]),
    purchased: c?.interactions?.purchased.map((i) => [i.product?.sku, i.count]),
  });

  before(async () => {
    gateway = await createTestApp();
    const tag = randomUUID().slice(0, 8);
    const products = await execute(gateway.url, UpsertProductsDocument, {
      input: [
        { sku: `BOOT-${tag}`, name: 'Boots' },
        { sku: `SOCK-${tag}`, name: 'Socks' },
      ],
    });
    const [b, s] = products.data!.upsertProducts.results.map((r) => r.id!);
    boots = { id: b!, sku: `BOOT-${tag}` };
    socks = { id: s!, sku: `SOCK-${tag}` };
    const stored = await execute(gateway.url, UpsertCampaignDocument, {
      input: { externalId: `autumn-${tag}`, name: 'Autumn', channel: 'EMAIL', status: 'ACTIVE' },
    });
    campaign = { id: stored.data!.upsertCampaign.id, externalId: `autumn-${tag}` };
    catalogIds.push(boots.id, socks.id, campaign.id);
  });

  after(async () => {
    await removeFromGraph(gateway.backends, customers);
    await gateway.backends.graph.write('test.removeCatalog', (tx) =>
      tx.run('MATCH (n) WHERE (n:Product OR n:Campaign) AND n.id IN $ids DETACH DELETE n', {
        ids: catalogIds,
      }),
    );
    await gateway.stop();
  });

  it('counts views, carts and purchases per product, by id or SKU, and resending changes nothing', async () => {
    const email = `${randomUUID()}@example.com`;
    const events = [
      event('VIEW', { productId: boots.id }, 1),
      event('VIEW', { sku: boots.sku }, 5),
      event('VIEW', { productId: boots.id.toUpperCase() }, 3),
      event('VIEW', { sku: socks.sku }, 2),
      event('CART_ADD', { productId: boots.id }, 6),
      event('PURCHASE', { sku: boots.sku }, 7),
      event('VIEW', { sku: 'NO-SUCH-SKU' }, 8),
      event('VIEW', { productId: 'not-a-uuid' }, 9),
    ];
    const { customerId, batch } = await track(email, events);
    assert.equal(batch.created, 8, 'unknown products are still accepted');

    const expected = {
      viewed: [
        [boots.sku, 3, '2026-11-01T12:01:00.000Z', '2026-11-01T12:05:00.000Z'],
        [socks.sku, 1, '2026-11-01T12:02:00.000Z', '2026-11-01T12:02:00.000Z'],
      ],
      carted: [[boots.sku, 1]],
      purchased: [[boots.sku, 1]],
    };
    // Read once the relay has applied everything (the outbox is empty), not by polling for a
    // partial state: under load a poll could time out and hand back what it saw last.
    await relayed(gateway.backends);
    assert.deepEqual(summary(await catalogOf(customerId)), expected);

    const resent = await track(email, events);
    assert.equal(resent.batch.unchanged, 8);
    // Redeliver the batch's events.accepted: figures are recounted, never added.
    await gateway.backends.postgres.query(
      `INSERT INTO outbox (topic, payload) VALUES ('events.accepted', jsonb_build_object('messageIds', $1::text[]))`,
      [events.map((e) => e.messageId)],
    );
    await track(email, [event('VIEW', { productId: socks.id }, 10)]);
    await relayed(gateway.backends);
    assert.deepEqual(summary(await catalogOf(customerId)), {
      ...expected,
      viewed: [
        [socks.sku, 2, '2026-11-01T12:02:00.000Z', '2026-11-01T12:10:00.000Z'],
        expected.viewed[0],
      ],
    });
  });

  it('shows targeting and campaign touches (by id or external id) in Customer.campaigns', async () => {
    const email = `${randomUUID()}@example.com`;
    const { customerId } = await track(email, [event('VIEW', {}, 1)]);

    const targeted = await execute(gateway.url, TargetCampaignDocument, {
      campaignId: campaign.id,
      customerIds: [customerId, randomUUID(), 'nope'],
    });
    assert.deepEqual(
      targeted.data?.targetCampaign.results.map((r) => [r.status, r.error?.code ?? null]),
      [
        ['CREATED', null],
        ['REJECTED', 'NOT_FOUND'],
        ['REJECTED', 'BAD_USER_INPUT'],
      ],
    );
    await track(email, [
      event('CAMPAIGN_TOUCH', { campaignId: campaign.id }, 20),
      event('CAMPAIGN_TOUCH', { campaignId: campaign.externalId }, 25),
      event('CAMPAIGN_TOUCH', { campaignId: 'unknown-campaign' }, 30),
    ]);

    await relayed(gateway.backends);
    const seen = await catalogOf(customerId);
    assert.equal(seen?.campaigns?.length, 1);
    assert.deepEqual(
      { ...seen!.campaigns![0]!, targetedAt: undefined },
      {
        targetedAt: undefined,
        responses: 2,
        lastRespondedAt: '2026-11-01T12:25:00.000Z',
        campaign: { id: campaign.id, externalId: campaign.externalId },
      },
    );
  });

  it('answers NOT_FOUND for an unknown campaign', async () => {
    const { customerId } = await track(`${randomUUID()}@example.com`, [event('VIEW', {}, 1)]);

    const result = await execute(gateway.url, TargetCampaignDocument, {
      campaignId: randomUUID(),
      customerIds: [customerId],
    });

    assert.equal(result.errors?.[0]?.extensions?.['code'], 'NOT_FOUND');
    assert.equal(result.data, null);
  });

  it('moves a merged customer’s interactions and campaigns to the survivor, counts summed', async () => {
    const [a, b] = [`${randomUUID()}@example.com`, `${randomUUID()}@example.com`];
    const survivor = (
      await track(a, [
        event('VIEW', { productId: boots.id }, 1),
        event('VIEW', { sku: boots.sku }, 2),
      ])
    ).customerId;
    const merged = (
      await track(b, [
        event('VIEW', { productId: boots.id }, 0),
        event('PURCHASE', { productId: socks.id }, 4),
        event('CAMPAIGN_TOUCH', { campaignId: campaign.id }, 5),
      ])
    ).customerId;
    await relayed(gateway.backends);

    const result = await execute(gateway.url, MergeCustomersDocument, {
      survivorId: survivor,
      mergedId: merged,
    });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));

    // Both the moved edges and the recounted totals must have arrived.
    await relayed(gateway.backends);
    const seen = await catalogOf(survivor);
    assert.deepEqual(summary(seen), {
      viewed: [[boots.sku, 3, '2026-11-01T12:00:00.000Z', '2026-11-01T12:02:00.000Z']],
      carted: [],
      purchased: [[socks.sku, 1]],
    });
    assert.equal(seen?.campaigns?.[0]?.responses, 1);
    // The survivor's next view is counted from PostgreSQL, where the merged events now belong.
    await track(a, [event('VIEW', { sku: boots.sku }, 9)]);
    await relayed(gateway.backends);
    const next = await catalogOf(survivor);
    assert.equal(next?.interactions?.viewed[0]?.count, 4);

    const exported = await execute(gateway.url, ExportCustomerDocument, { id: survivor });
    const graph = exported.data?.exportCustomer['graph'] as {
      interactions: { kind: string; productId: string; count: number }[];
      campaigns: { campaignId: string; responses: number }[];
    };
    assert.deepEqual(graph.interactions.map((i) => [i.kind, i.productId, i.count]).sort(), [
      ['PURCHASED', socks.id, 1],
      ['VIEWED', boots.id, 4],
    ]);
    assert.deepEqual(
      graph.campaigns.map((c) => [c.campaignId, c.responses]),
      [[campaign.id, 1]],
    );
  });

  it('ends with the right totals when a relay applies the recount before the merge it follows', async () => {
    // Two relays may apply a merge and the survivor's recount in either order.
    // Customers of their own (page views name no product), so only the graph steps below count.
    const profile = async () =>
      (await track(`${randomUUID()}@example.com`, [event('PAGE', {}, 0)])).customerId;
    const [survivor, merged] = [await profile(), await profile()];
    const graph = new InteractionGraph(gateway.backends.graph);
    const viewed = (customerId: string, count: number, lastMinute: number) => ({
      kind: 'VIEWED' as const,
      target: 'Product' as const,
      customerId,
      targetId: boots.id,
      count,
      firstAt: new Date(Date.UTC(2026, 10, 2, 12, 0)),
      lastAt: new Date(Date.UTC(2026, 10, 2, 12, lastMinute)),
    });
    await graph.setTallies([viewed(survivor, 2, 1), viewed(merged, 1, 5)], []);

    await graph.setTallies([viewed(survivor, 3, 5)], []); // the recount, early
    for (let i = 0; i < 2; i += 1) {
      // ...then the merge, twice (redelivered): neither may add the moved count again.
      await graph.repointCustomers([{ mergedId: merged, survivorId: survivor }]);
      await new CustomerGraph(gateway.backends.graph).deleteNodes([merged]);
    }

    const seen = await catalogOf(survivor);
    assert.deepEqual(summary(seen).viewed, [
      [boots.sku, 3, '2026-11-02T12:00:00.000Z', '2026-11-02T12:05:00.000Z'],
    ]);
  });
});
