import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  CustomerInteractionKindsDocument,
  type CustomerInteractionKindsQuery,
  CustomerKeywordsDocument,
  SetConsentDocument,
  TrackBatchDocument,
  type TrackEventInput,
  UpsertContentsDocument,
  UpsertCustomersDocument,
  UpsertProductsDocument,
} from '../../__generated__/graphql.js';
import { execute } from '../../support/graphql-client.js';
import { relayed, removeFromGraph } from '../../support/seed.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { until } from '../../support/until.js';

type Interactions = NonNullable<
  NonNullable<CustomerInteractionKindsQuery['customer']>['interactions']
>;

const at = (minute: number) => new Date(Date.UTC(2026, 10, 3, 9, minute)).toISOString();
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

describe('Customer.interactions (every kind, products and content) and Customer.keywords', () => {
  let gateway: TestApp;
  const customers: string[] = [];
  const catalogIds: string[] = [];
  let jacket: { id: string; sku: string };
  let tent: { id: string; sku: string };
  let guide: { id: string; externalId: string };

  const track = async (email: string, events: Omit<TrackEventInput, 'identity'>[]) => {
    const result = await execute(gateway.url, TrackBatchDocument, {
      events: events.map((e) => ({ ...e, identity: { type: 'EMAIL' as const, value: email } })),
    });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    const batch = result.data!.trackBatch;
    customers.push(batch.results[0]!.customerId!);
    return { customerId: batch.results[0]!.customerId!, batch };
  };
  const interactionsOf = async (id: string, kinds?: ('CLICKED' | 'VIEWED')[]) => {
    const result = await execute(gateway.url, CustomerInteractionKindsDocument, {
      id,
      kinds: kinds ?? null,
    });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    return result.data!.customer!.interactions!;
  };
  const summary = (i: Interactions) => ({
    viewed: i.viewed.map((x) => [x.product?.sku, x.count]),
    carted: i.carted.map((x) => [x.product?.sku, x.count]),
    cartRemoved: i.cartRemoved.map((x) => [x.product?.sku, x.count]),
    wishlisted: i.wishlisted.map((x) => [x.product?.sku, x.count, x.firstAt, x.lastAt]),
    purchased: i.purchased.map((x) => [x.product?.sku, x.count]),
    recommended: i.recommended.map((x) => [x.product?.sku, x.count]),
    clicked: i.clicked.map((x) => [x.kind, x.product?.sku, x.count]),
    content: i.content.map((x) => [x.kind, x.content?.externalId, x.count, x.lastAt]),
  });

  before(async () => {
    gateway = await createTestApp();
    const tag = randomUUID().slice(0, 8);
    const products = await execute(gateway.url, UpsertProductsDocument, {
      input: [
        { sku: `JACKET-${tag}`, name: 'Rain jacket', keywords: ['Rain', 'jacket'] },
        { sku: `TENT-${tag}`, name: 'Tent', keywords: ['tent'] },
      ],
    });
    const [j, t] = products.data!.upsertProducts.results.map((r) => r.id!);
    jacket = { id: j!, sku: `JACKET-${tag}` };
    tent = { id: t!, sku: `TENT-${tag}` };
    const content = await execute(gateway.url, UpsertContentsDocument, {
      input: [
        {
          externalId: `guide-${tag}`,
          title: 'Rain guide',
          kind: 'GUIDE',
          keywords: ['rain', 'guide'],
        },
      ],
    });
    guide = { id: content.data!.upsertContents.results[0]!.id!, externalId: `guide-${tag}` };
    catalogIds.push(jacket.id, tent.id, guide.id);
  });

  after(async () => {
    await removeFromGraph(gateway.backends, customers);
    await gateway.backends.graph.write('test.removeCatalog', (tx) =>
      tx.run('MATCH (n) WHERE (n:Product OR n:Content) AND n.id IN $ids DETACH DELETE n', {
        ids: catalogIds,
      }),
    );
    await gateway.stop();
  });

  it('resolves every interaction event type to its product or content item, counts it, and applying again changes nothing', async () => {
    const email = `${randomUUID()}@example.com`;
    const events = [
      {
        messageId: randomUUID(),
        type: 'WISHLIST_ADD',
        properties: { productId: jacket.id },
        occurredAt: at(1),
      },
      {
        messageId: randomUUID(),
        type: 'WISHLIST_ADD',
        properties: { sku: jacket.sku },
        occurredAt: at(2),
      },
      {
        messageId: randomUUID(),
        type: 'CART_REMOVE',
        properties: { sku: tent.sku },
        occurredAt: at(3),
      },
      {
        messageId: randomUUID(),
        type: 'RECOMMENDATION_VIEW',
        properties: { productId: jacket.id },
        occurredAt: at(4),
      },
      {
        messageId: randomUUID(),
        type: 'RECOMMENDATION_VIEW',
        properties: { productId: tent.id },
        occurredAt: at(5),
      },
      {
        messageId: randomUUID(),
        type: 'RECOMMENDATION_CLICK',
        properties: { sku: tent.sku },
        occurredAt: at(6),
      },
      {
        messageId: randomUUID(),
        type: 'VIEW',
        properties: { contentId: guide.id },
        occurredAt: at(7),
      },
      {
        messageId: randomUUID(),
        type: 'VIEW',
        properties: { contentExternalId: guide.externalId },
        occurredAt: at(8),
      },
      {
        messageId: randomUUID(),
        type: 'WISHLIST_ADD',
        properties: { externalId: guide.externalId },
        occurredAt: at(9),
      },
      {
        messageId: randomUUID(),
        type: 'CART_REMOVE',
        properties: { contentId: randomUUID() },
        occurredAt: at(10),
      },
    ] satisfies Omit<TrackEventInput, 'identity'>[];
    const { customerId, batch } = await track(email, events);
    assert.equal(batch.created, events.length, 'an unknown item is still accepted');

    const expected = {
      viewed: [],
      carted: [],
      cartRemoved: [[tent.sku, 1]],
      wishlisted: [[jacket.sku, 2, at(1), at(2)]],
      purchased: [],
      // Most recent first.
      recommended: [
        [tent.sku, 1],
        [jacket.sku, 1],
      ],
      clicked: [['CLICKED', tent.sku, 1]],
      content: [
        ['WISHLISTED', guide.externalId, 1, at(9)],
        ['VIEWED', guide.externalId, 2, at(8)],
      ],
    };
    await relayed(gateway.backends);
    const seen = await until(
      () => interactionsOf(customerId),
      (i) => JSON.stringify(summary(i)) === JSON.stringify(expected),
      15_000,
    );
    assert.deepEqual(summary(seen), expected);

    // The ids were stored on the event rows by the same resolution.
    const { rows } = await gateway.backends.postgres.query<{
      refs: string;
    }>(
      `SELECT count(product_id) || '/' || count(content_id) AS refs FROM events WHERE customer_id = $1`,
      [customerId],
    );
    assert.equal(rows[0]!.refs, '6/3');

    // Resent: nothing new is stored; applied again (a redelivered message): counts stay.
    const resent = await track(email, events);
    assert.equal(resent.batch.unchanged, events.length);
    await gateway.backends.postgres.query(
      `INSERT INTO outbox (topic, payload) VALUES ('events.accepted', jsonb_build_object('messageIds', to_jsonb($1::text[])))`,
      [events.map((e) => e.messageId)],
    );
    await relayed(gateway.backends);
    assert.deepEqual(summary(await interactionsOf(customerId)), expected);

    // The kinds filter leaves the lists of other kinds empty.
    const clickedOnly = summary(await interactionsOf(customerId, ['CLICKED']));
    assert.deepEqual(clickedOnly, {
      ...Object.fromEntries(Object.keys(expected).map((key) => [key, []])),
      clicked: expected.clicked,
    });
  });

  it('derives keywords from the profile, views and purchases, weighted by event and age, strongest first', async () => {
    const email = `${randomUUID()}@example.com`;
    const upserted = await execute(gateway.url, UpsertCustomersDocument, {
      input: [
        {
          displayName: 'Camper',
          identities: [{ type: 'EMAIL', value: email }],
          interestKeywords: ['Tent', 'camping'],
        },
      ],
    });
    const customerId = upserted.data!.upsertCustomers.results[0]!.id!;
    customers.push(customerId);
    await track(email, [
      {
        messageId: randomUUID(),
        type: 'VIEW',
        properties: { productId: jacket.id },
        occurredAt: daysAgo(1),
      },
      {
        messageId: randomUUID(),
        type: 'PURCHASE',
        properties: { sku: tent.sku },
        occurredAt: daysAgo(2),
      },
      {
        messageId: randomUUID(),
        type: 'VIEW',
        properties: { contentId: guide.id },
        occurredAt: daysAgo(31),
      },
      // Neither a view nor a purchase: no keyword.
      {
        messageId: randomUUID(),
        type: 'WISHLIST_ADD',
        properties: { productId: jacket.id },
        occurredAt: daysAgo(1),
      },
    ]);
    await relayed(gateway.backends);

    const keywordsOf = async (first: number) => {
      const result = await execute(gateway.url, CustomerKeywordsDocument, {
        id: customerId,
        first,
      });
      assert.equal(result.errors, undefined, JSON.stringify(result.errors));
      return result.data!.customer!.keywords;
    };
    const decay = (days: number) => Math.exp(-days / 30);
    const expected: [string, string, number][] = [
      ['camping', 'PROFILE', 5],
      ['tent', 'PROFILE', 5],
      ['tent', 'PURCHASED', 5 * decay(2)],
      ['rain', 'VIEWED', decay(1) + decay(31)],
      ['jacket', 'VIEWED', decay(1)],
      ['guide', 'VIEWED', decay(31)],
    ];
    const keywords = await keywordsOf(10);
    assert.deepEqual(
      keywords.map((k) => [k.keyword, k.source]),
      expected.map(([keyword, source]) => [keyword, source]),
    );
    keywords.forEach((k, i) => {
      assert.ok(Math.abs(k.weight - expected[i]![2]) < 0.001, `${k.keyword}: ${k.weight}`);
    });
    assert.deepEqual(
      (await keywordsOf(2)).map((k) => k.keyword),
      ['camping', 'tent'],
    );

    // Withdrawn personalization consent: no keywords are derived for them any more.
    const withdrawn = await execute(gateway.url, SetConsentDocument, {
      customerId,
      purpose: 'PERSONALIZATION',
      granted: false,
    });
    assert.equal(withdrawn.errors, undefined, JSON.stringify(withdrawn.errors));
    assert.deepEqual(await keywordsOf(10), []);
  });
});
