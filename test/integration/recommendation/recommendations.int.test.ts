import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  CustomerRecommendationsDocument,
  type CustomerRecommendationsQuery,
  type CustomerRecommendationsQueryVariables,
  FitRecommendationModelsDocument,
  ProductDiscoveryDocument,
  SearchProductsDocument,
  SetConsentDocument,
  SimilarCustomersDocument,
  TrackBatchDocument,
  TrendingProductsDocument,
  UpsertCustomerDocument,
  UpsertProductsDocument,
} from '../../__generated__/graphql.js';
import { execute } from '../../support/graphql-client.js';
import { OutboxStore } from '../../../src/outbox/outbox.store.js';
import { holdMainLane, relayed, seedFamily } from '../../support/seed.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

type Answer = NonNullable<CustomerRecommendationsQuery['customer']>['recommendations'];

/**
 * A small shop seen by real customers: campers buy a tent, a sleeping bag and a stove;
 * readers buy a novel and a cookbook. Every product is filed in this run's own category, so
 * the assertions hold whatever else the database holds.
 */
describe('Customer.recommendations and product discovery', () => {
  let gateway: TestApp;
  const tag = randomUUID().slice(0, 8);
  const category = `outdoor-${tag}`;
  const ids: Record<string, string> = {};
  let alice = '';
  let bob = '';

  const track = async (email: string, type: string, skus: readonly string[]) => {
    const result = await execute(gateway.url, TrackBatchDocument, {
      events: skus.map((sku) => ({
        messageId: randomUUID(),
        type: type as 'PURCHASE',
        identity: { type: 'EMAIL' as const, value: email },
        properties: { sku: `${sku}-${tag}` },
      })),
    });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    return result.data!.trackBatch.results[0]!.customerId!;
  };
  const recommend = async (
    variables: Omit<CustomerRecommendationsQueryVariables, 'categories'>,
  ) => {
    const result = await execute(gateway.url, CustomerRecommendationsDocument, {
      categories: [category],
      ...variables,
    });
    return result;
  };
  const skusOf = (answer: Answer | undefined) =>
    (answer ?? []).map((r) => (r.item?.__typename === 'Product' ? r.item.sku.split('-')[0] : '?'));

  before(async () => {
    gateway = await createTestApp();
    const products = [
      { sku: 'TENT', name: 'Trail tent for two', keywords: ['camping', 'tent'] },
      { sku: 'BAG', name: 'Down sleeping bag', keywords: ['camping', 'sleeping'] },
      { sku: 'STOVE', name: 'Camping stove', keywords: ['camping', 'cooking'] },
      { sku: 'LANTERN', name: 'LED lantern', keywords: ['camping', 'light'] },
      { sku: 'NOVEL', name: 'A seafaring novel', keywords: ['fiction', 'books'] },
      { sku: 'COOKBOOK', name: 'Family cookbook', keywords: ['cooking', 'recipes', 'books'] },
      { sku: 'GONE', name: 'Sold-out hammock', keywords: ['camping'], inStock: false },
    ];
    const stored = await execute(gateway.url, UpsertProductsDocument, {
      input: products.map((p) => ({ ...p, sku: `${p.sku}-${tag}`, categories: [category] })),
    });
    assert.equal(stored.errors, undefined, JSON.stringify(stored.errors));
    stored.data!.upsertProducts.results.forEach((r, i) => (ids[products[i]!.sku] = r.id!));

    for (let i = 0; i < 6; i++) {
      await track(`camper-${i}-${tag}@example.com`, 'PURCHASE', ['TENT', 'BAG', 'STOVE', 'GONE']);
    }
    for (let i = 0; i < 3; i++) {
      await track(`reader-${i}-${tag}@example.com`, 'PURCHASE', ['NOVEL', 'COOKBOOK']);
    }
    alice = await track(`alice-${tag}@example.com`, 'PURCHASE', ['TENT']);
    bob = await track(`bob-${tag}@example.com`, 'PURCHASE', ['LANTERN']);
    await seedFamily(gateway, [
      {
        type: 'SPOUSE_OF',
        from: { id: alice, displayName: 'Alice' },
        to: { id: bob, displayName: 'Bob' },
      },
    ]);
    await relayed(gateway.backends);
    const fit = await execute(gateway.url, FitRecommendationModelsDocument, {});
    assert.equal(fit.errors, undefined, JSON.stringify(fit.errors));
    assert.ok(fit.data!.fitRecommendationModels.positives >= 6 * 4 + 3 * 2 + 2);
  });

  after(async () => {
    await gateway?.stop();
  });

  it('ranks what people with the same taste bought, explained by the item that led there', async () => {
    const { data, errors } = await recommend({ id: alice, first: 5 });
    assert.equal(errors, undefined, JSON.stringify(errors));
    const answer = data!.customer!.recommendations;
    assert.deepEqual(new Set(skusOf(answer).slice(0, 2)), new Set(['BAG', 'STOVE']));
    const bag = answer.find((r) => skusOf([r])[0] === 'BAG')!;
    const because = bag.reasons.find((r) => r.kind === 'INTERACTED_WITH_SIMILAR')!;
    assert.match(because.text, /Trail tent for two/);
    assert.deepEqual(because.evidence[0], {
      kind: 'PRODUCT',
      id: ids['TENT'],
      product: { name: 'Trail tent for two' },
      customer: null,
    });
    assert.ok(bag.sources.includes('COLLABORATIVE'));
    assert.match(bag.modelVersion, /item-item:ease-/);
    assert.equal(new Set(answer.map((r) => r.requestId)).size, 1, 'one request id per answer');
  });

  it('never recommends what the customer bought, what is out of stock, or what is excluded', async () => {
    const { data } = await recommend({ id: alice, first: 20, exclude: [ids['STOVE']!] });
    const skus = skusOf(data!.customer!.recommendations);
    assert.ok(!skus.includes('TENT'), 'already bought');
    assert.ok(!skus.includes('GONE'), 'out of stock');
    assert.ok(!skus.includes('STOVE'), 'excluded');
    assert.ok(skus.includes('BAG'));
  });

  it('proposes what a relative bought, naming the relative only by id', async () => {
    const { data } = await recommend({ id: alice, first: 20 });
    const lantern = data!.customer!.recommendations.find((r) => skusOf([r])[0] === 'LANTERN');
    assert.ok(lantern, 'the spouse’s lantern is recommended');
    const reason = lantern.reasons.find((r) => r.kind === 'RELATIVE_INTERACTED')!;
    assert.equal(reason.text, 'Chosen by your partner.');
    assert.deepEqual(reason.evidence, [
      { kind: 'CUSTOMER', id: bob, product: null, customer: { id: bob } },
    ]);
  });

  it('proposes what a new relative bought once the relationship is relayed', async () => {
    const dave = await track(`dave-${tag}@example.com`, 'PURCHASE', ['NOVEL']);
    await relayed(gateway.backends);
    const relativePicks = async () => {
      const { data, errors } = await recommend({ id: dave, first: 20 });
      assert.equal(errors, undefined, JSON.stringify(errors));
      return data!.customer!.recommendations.filter((r) =>
        r.reasons.some((reason) => reason.kind === 'RELATIVE_INTERACTED'),
      );
    };
    assert.deepEqual(await relativePicks(), [], 'no relative yet (and the answer is cached)');
    await seedFamily(gateway, [
      {
        type: 'SIBLING_OF',
        from: { id: dave, displayName: 'Dave' },
        to: { id: bob, displayName: 'Bob' },
      },
    ]);
    assert.deepEqual(
      (await relativePicks()).map((r) => skusOf([r])[0]),
      ['LANTERN'],
      'the sibling’s lantern',
    );
  });

  it('changes the next answer as soon as a new purchase is relayed', async () => {
    const before = await recommend({ id: alice, first: 5 });
    assert.ok(skusOf(before.data!.customer!.recommendations).includes('BAG'));
    await track(`alice-${tag}@example.com`, 'PURCHASE', ['BAG']);
    await relayed(gateway.backends);
    const after = await recommend({ id: alice, first: 5 });
    assert.ok(!skusOf(after.data!.customer!.recommendations).includes('BAG'), 'bought now');
  });

  it('changes the next answer once a purchase is stored, before the relay applies it', async () => {
    await relayed(gateway.backends);
    const before = await recommend({ id: alice, first: 5 });
    assert.ok(skusOf(before.data!.customer!.recommendations).includes('STOVE'));
    const lane = await holdMainLane(gateway.backends);
    try {
      await track(`alice-${tag}@example.com`, 'PURCHASE', ['STOVE']);
      const after = await recommend({ id: alice, first: 5 });
      assert.equal(after.errors, undefined, JSON.stringify(after.errors));
      assert.ok(!skusOf(after.data!.customer!.recommendations).includes('STOVE'), 'bought now');
      const { pending } = await new OutboxStore(gateway.backends.postgres).backlog();
      assert.ok(pending > 0, 'the purchase is still waiting for the relay');
    } finally {
      await lane.release();
    }
    await relayed(gateway.backends);
  });

  it('goes with the cart and the product page', async () => {
    const cart = await recommend({
      id: bob,
      first: 3,
      context: { surface: 'CART', cartProductIds: [ids['TENT']!] },
    });
    assert.equal(cart.errors, undefined, JSON.stringify(cart.errors));
    const top = cart.data!.customer!.recommendations[0]!;
    assert.ok(['BAG', 'STOVE'].includes(skusOf([top])[0]!));
    assert.ok(top.reasons.some((r) => r.kind === 'GOES_WITH_CONTEXT'));
    assert.ok(
      !skusOf(cart.data!.customer!.recommendations).includes('TENT'),
      'in the cart already',
    );
  });

  it('ranks what people choose at this time of day in this season, in a session', async () => {
    // Mugs are bought at one hour, twelve hours away from every other event of this file.
    const base = new Date(Date.now() - 2 * 86_400_000);
    base.setUTCHours((new Date().getUTCHours() + 12) % 24, 10, 0, 0);
    const stored = await execute(gateway.url, UpsertProductsDocument, {
      input: [{ sku: `MUG-${tag}`, name: 'Enamel camping mug', categories: [category] }],
    });
    const mug = stored.data!.upsertProducts.results[0]!.id!;
    for (let i = 0; i < 3; i++) {
      const result = await execute(gateway.url, TrackBatchDocument, {
        events: [
          {
            messageId: randomUUID(),
            type: 'PURCHASE' as const,
            identity: { type: 'EMAIL' as const, value: `early-${i}-${tag}@example.com` },
            properties: { productId: mug },
            occurredAt: base.toISOString(),
          },
        ],
      });
      assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    }
    const newcomer = await track(`newcomer-${tag}@example.com`, 'PAGE', ['NONE']);
    const session = (at: Date) =>
      recommend({
        id: newcomer,
        first: 3,
        context: { surface: 'SESSION', sessionId: `s-${tag}`, at: at.toISOString() },
      });
    const then = await session(new Date(base.getTime() + 20 * 60_000));
    assert.equal(then.errors, undefined, JSON.stringify(then.errors));
    const first = then.data!.customer!.recommendations[0]!;
    assert.equal(first.item?.__typename === 'Product' ? first.item.id : null, mug);
    assert.ok(first.sources.includes('MOMENT'));
    assert.ok(
      first.reasons.some((r) =>
        /^Popular at this time of day in (winter|spring|summer|autumn)\.$/.test(r.text),
      ),
    );

    const later = await session(new Date(base.getTime() + 12 * 3_600_000));
    const mugLater = later.data!.customer!.recommendations.find(
      (r) => r.item?.__typename === 'Product' && r.item.id === mug,
    );
    assert.ok(!mugLater?.sources.includes('MOMENT'), 'not a pick twelve hours later');
  });

  it('serves popular items only, and says so, without the personalization consent', async () => {
    const consent = await execute(gateway.url, SetConsentDocument, {
      customerId: alice,
      purpose: 'PERSONALIZATION',
      granted: false,
    });
    assert.equal(consent.errors, undefined, JSON.stringify(consent.errors));
    const { data } = await recommend({ id: alice, first: 5 });
    const answer = data!.customer!.recommendations;
    assert.ok(answer.length > 0, 'popular items, not an empty list');
    for (const r of answer) {
      assert.deepEqual(r.sources, ['POPULARITY']);
      assert.deepEqual(
        r.reasons.map((reason) => reason.kind),
        ['PERSONALIZATION_OFF'],
      );
    }
    await execute(gateway.url, SetConsentDocument, {
      customerId: alice,
      purpose: 'PERSONALIZATION',
      granted: true,
    });
  });

  it('reflects a profile write in the same round trip', async () => {
    const id = randomUUID();
    const result = await execute(gateway.url, UpsertCustomerDocument, {
      input: { id, displayName: 'New reader', traits: { interests: ['recipes', 'cooking'] } },
    });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    const { data } = await recommend({ id, first: 3 });
    const first = data!.customer!.recommendations[0]!;
    assert.equal(skusOf([first])[0], 'COOKBOOK');
    assert.ok(
      first.reasons.some((r) => r.kind === 'MATCHES_INTERESTS' && /recipes|cooking/.test(r.text)),
    );
  });

  it('says clearly what is wrong with a request', async () => {
    const codeOf = async (variables: Parameters<typeof recommend>[0]) =>
      (await recommend(variables)).errors?.[0]?.extensions?.['code'];
    assert.equal(await codeOf({ id: alice, first: 101 }), 'BAD_USER_INPUT');
    assert.equal(
      await codeOf({ id: alice, context: { surface: 'PRODUCT_PAGE', productId: randomUUID() } }),
      'NOT_FOUND',
    );
    assert.equal(
      await codeOf({ id: alice, context: { surface: 'PRODUCT_PAGE' } }),
      'BAD_USER_INPUT',
    );
    const stranger = await track(`stranger-${tag}@example.com`, 'VIEW', ['NOVEL']);
    const notRelated = await recommend({
      id: alice,
      context: { surface: 'FAMILY_GIFT', relativeId: stranger },
    });
    assert.equal(notRelated.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
    assert.equal(notRelated.errors?.[0]?.extensions?.['reason'], 'NOT_RELATED');
    const gift = await recommend({
      id: alice,
      context: { surface: 'FAMILY_GIFT', relativeId: bob },
    });
    assert.equal(gift.errors, undefined, JSON.stringify(gift.errors));
    assert.ok(!skusOf(gift.data!.customer!.recommendations).includes('LANTERN'), 'Bob has it');
  });

  it('finds similar and bought-together products, searches by meaning and words, and ranks trends', async () => {
    const discovery = await execute(gateway.url, ProductDiscoveryDocument, {
      id: ids['TENT']!,
      first: 3,
    });
    assert.equal(discovery.errors, undefined, JSON.stringify(discovery.errors));
    const product = discovery.data!.product!;
    assert.ok(['BAG', 'STOVE'].includes(product.similar[0]!.product!.sku.split('-')[0]!));
    const together = product.frequentlyBoughtTogether.find((p) => p.product!.id === ids['BAG']);
    assert.ok(together, 'the bag is bought with the tent');
    assert.ok(together.confidence > 0.8 && together.confidence <= 1);

    const search = await execute(gateway.url, SearchProductsDocument, {
      text: 'cookbook with recipes',
      first: 3,
    });
    assert.equal(search.errors, undefined, JSON.stringify(search.errors));
    assert.equal(search.data!.searchProducts[0]!.product!.id, ids['COOKBOOK']);

    const trending = await execute(gateway.url, TrendingProductsDocument, {
      category,
      windowDays: 7,
      first: 3,
    });
    assert.equal(trending.errors, undefined, JSON.stringify(trending.errors));
    // The tent, the bag and the stove have 7 buyers each by now (Alice bought the bag and the
    // stove above).
    assert.deepEqual(
      new Set(trending.data!.trendingProducts.map((t) => [t.product!.id, t.customers].join())),
      new Set([`${ids['TENT']},7`, `${ids['BAG']},7`, `${ids['STOVE']},7`]),
    );
  });

  it('finds customers with a similar preference vector', async () => {
    // Preference vectors follow consent and events through the relay.
    await relayed(gateway.backends);
    const { data, errors } = await execute(gateway.url, SimilarCustomersDocument, {
      id: alice,
      first: 3,
    });
    assert.equal(errors, undefined, JSON.stringify(errors));
    assert.ok(data!.customer!.similarCustomers!.length > 0);
    assert.ok(
      data!.customer!.similarCustomers!.every((s) => s.score <= 1 && s.customer?.id !== alice),
    );
  });
});
