import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { loadConfig } from '../../../src/config.js';
import { Experiment } from '../../../src/modules/recommendation/analytics/experiments.js';
import { wilsonInterval } from '../../../src/modules/recommendation/analytics/wilson.js';
import {
  CreateApiKeyDocument,
  EraseCustomerDocument,
  FitRecommendationModelsDocument,
  RecommendationAnalyticsDocument,
  type RecommendationAnalyticsQuery,
  RecommendationVariantDocument,
  type RecommendationVariantQueryVariables,
  TrackBatchDocument,
  UpsertProductsDocument,
} from '../../__generated__/graphql.js';
import { execute } from '../../support/graphql-client.js';
import { relayed, removeFromGraph } from '../../support/seed.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

type Report = RecommendationAnalyticsQuery['recommendationAnalytics'];

interface Served {
  customer: number;
  surface: 'HOMEPAGE' | 'PRODUCT_PAGE' | 'EMAIL';
  requestId: string;
  variant: string;
  itemIds: string[];
}

const VARIANTS = JSON.stringify([
  { name: 'pop-heavy', share: 0.5, weights: { POPULARITY: 0.6, COLLABORATIVE: 0.2 } },
]);
const CUSTOMERS = 16;
/** Words of their own, so that the text model has a vocabulary to fit. */
const NAMES = [
  'Trail tent',
  'Down sleeping bag',
  'Camping stove',
  'Seafaring novel',
  'Family cookbook',
  'Garden hose',
  'Rain jacket',
  'Chess board',
];

/**
 * Two gateway instances on one database, with half of the customers routed to a variant:
 * every customer is served on both, views, clicks and purchases are sent with the request ids
 * the answers carried, and the report must count exactly those, per surface and per variant.
 */
describe('Query.recommendationAnalytics', () => {
  let a: TestApp;
  let b: TestApp;
  const tag = randomUUID().slice(0, 8);
  const products: string[] = [];
  const customers: string[] = [];
  const served: Served[] = [];
  const experiment = new Experiment(
    'recommendations',
    loadConfig({ RECOMMENDATION_VARIANTS: VARIANTS }).recommendation.variants,
  );

  const email = (i: number) => `shopper-${i}-${tag}@example.com`;
  const track = async (
    i: number,
    events: {
      type: 'PURCHASE' | 'RECOMMENDATION_VIEW' | 'RECOMMENDATION_CLICK';
      props: Record<string, string>;
    }[],
  ) => {
    const result = await execute(a.url, TrackBatchDocument, {
      events: events.map((e) => ({
        messageId: randomUUID(),
        type: e.type,
        identity: { type: 'EMAIL' as const, value: email(i) },
        properties: e.props,
      })),
    });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    assert.equal(result.data!.trackBatch.rejected, 0);
    return result.data!.trackBatch.results[0]!.customerId!;
  };
  const serve = async (
    gateway: TestApp,
    i: number,
    surface: Served['surface'],
    context: RecommendationVariantQueryVariables['context'] = { surface },
  ): Promise<Served> => {
    const result = await execute(gateway.url, RecommendationVariantDocument, {
      id: customers[i]!,
      first: 3,
      context,
    });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    const answer = result.data!.customer!.recommendations;
    assert.ok(answer.length > 0, 'every answer holds items');
    assert.equal(new Set(answer.map((r) => r.requestId)).size, 1);
    assert.equal(new Set(answer.map((r) => r.variant)).size, 1);
    assert.doesNotMatch(answer[0]!.modelVersion, /pop-heavy|control/, 'the variant is separate');
    return {
      customer: i,
      surface,
      requestId: answer[0]!.requestId,
      variant: answer[0]!.variant,
      itemIds: answer.map((r) => (r.item?.__typename === 'Product' ? r.item.id : '?')),
    };
  };
  const report = async (variables = {}) => {
    const result = await execute(a.url, RecommendationAnalyticsDocument, variables);
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    return result.data!.recommendationAnalytics;
  };
  /** Impressions are written off the response path: wait for all of them. */
  const settled = async (impressions: number): Promise<Report> => {
    for (let attempt = 0; ; attempt++) {
      const current = await report();
      const total = current.byContext.reduce((sum, row) => sum + row.impressions, 0);
      if (total >= impressions || attempt === 50) {
        return current;
      }
      await sleep(100);
    }
  };

  before(async () => {
    const env = { RECOMMENDATION_VARIANTS: VARIANTS };
    a = await createTestApp({ env });
    b = await createTestApp({ env, database: a.database });
    const stored = await execute(a.url, UpsertProductsDocument, {
      input: NAMES.map((name, p) => ({
        sku: `P${p}-${tag}`,
        name,
        keywords: name.toLowerCase().split(' '),
        categories: [`shop-${tag}`],
      })),
    });
    assert.equal(stored.errors, undefined, JSON.stringify(stored.errors));
    products.push(...stored.data!.upsertProducts.results.map((r) => r.id!));
    for (let i = 0; i < CUSTOMERS; i++) {
      customers.push(
        await track(i, [
          { type: 'PURCHASE', props: { productId: products[i % 3]! } },
          { type: 'PURCHASE', props: { productId: products[3 + (i % 2)]! } },
        ]),
      );
    }
    // The relay forgets a customer's cached answers as it applies their events: let it finish.
    await relayed(a.backends);
    const fit = await execute(a.url, FitRecommendationModelsDocument, {});
    assert.equal(fit.errors, undefined, JSON.stringify(fit.errors));
    await relayed(a.backends);

    for (let i = 0; i < CUSTOMERS; i++) {
      // Half asked of each instance; every customer asked of the other one for an e-mail.
      const [home, other] = i % 2 === 0 ? [a, b] : [b, a];
      served.push(await serve(home, i, 'HOMEPAGE'));
      served.push(await serve(other, i, 'EMAIL'));
    }
    for (let i = 0; i < 4; i++) {
      served.push(
        await serve(a, i, 'PRODUCT_PAGE', { surface: 'PRODUCT_PAGE', productId: products[7]! }),
      );
    }
    // The same request again is a cache hit: same request id, no second impression.
    const again = await serve(a, 0, 'HOMEPAGE');
    assert.equal(again.requestId, served[0]!.requestId);

    for (const answer of served.filter((s) => s.surface !== 'EMAIL')) {
      const i = answer.customer;
      const first = { productId: answer.itemIds[0]!, requestId: answer.requestId };
      const clicked = answer.surface === 'PRODUCT_PAGE' || i % 2 === 0;
      const bought = answer.surface === 'HOMEPAGE' && i % 4 === 0;
      await track(i, [
        { type: 'RECOMMENDATION_VIEW', props: first },
        ...(clicked ? [{ type: 'RECOMMENDATION_CLICK' as const, props: first }] : []),
        ...(bought ? [{ type: 'PURCHASE' as const, props: first }] : []),
        // Bought without a click: attributed to the product, not counted as a conversion.
        ...(answer.surface === 'HOMEPAGE' && i === 1
          ? [{ type: 'PURCHASE' as const, props: first }]
          : []),
      ]);
    }
  });

  after(async () => {
    await removeFromGraph(a.backends, customers);
    await b?.stop();
    await a?.stop();
  });

  it('routes each customer to the same variant on every instance, by a stable hash', () => {
    for (let i = 0; i < CUSTOMERS; i++) {
      const variants = new Set(served.filter((s) => s.customer === i).map((s) => s.variant));
      assert.deepEqual([...variants], [experiment.assign(customers[i]!).variant], `customer ${i}`);
    }
    const routed = served.filter((s) => s.variant === 'pop-heavy').length;
    assert.ok(routed > 0 && routed < served.length, 'both variants are served');
  });

  it('counts impressions, views, clicks and purchases per surface', async () => {
    const current = await settled(served.length);
    const bySurface = Object.fromEntries(current.byContext.map((row) => [row.surface, row]));
    assert.deepEqual(bySurface['HOMEPAGE'], {
      surface: 'HOMEPAGE',
      impressions: 16,
      views: 16,
      clicks: 8,
      purchases: 4,
      ctr: 0.5,
      conversion: 0.5,
      ctrBase: 'VIEWS',
    });
    assert.deepEqual(bySurface['PRODUCT_PAGE'], {
      surface: 'PRODUCT_PAGE',
      impressions: 4,
      views: 4,
      clicks: 4,
      purchases: 0,
      ctr: 1,
      conversion: 0,
      ctrBase: 'VIEWS',
    });
    assert.deepEqual(bySurface['EMAIL'], {
      surface: 'EMAIL',
      impressions: 16,
      views: 0,
      clicks: 0,
      purchases: 0,
      ctr: null,
      conversion: null,
      ctrBase: 'VIEWS',
    });
  });

  it('reports CTR and conversion per variant with 95 % Wilson intervals', async () => {
    const current = await settled(served.length);
    for (const variant of ['control', 'pop-heavy']) {
      const mine = served.filter((s) => s.variant === variant);
      const shown = mine.filter((s) => s.surface !== 'EMAIL');
      const clicks = shown.filter((s) => s.surface === 'PRODUCT_PAGE' || s.customer % 2 === 0);
      const purchases = shown.filter((s) => s.surface === 'HOMEPAGE' && s.customer % 4 === 0);
      const row = current.byVariant.find((r) => r.variant === variant);
      assert.deepEqual(row, {
        variant,
        impressions: mine.length,
        views: shown.length,
        clicks: clicks.length,
        purchases: purchases.length,
        ctrBase: 'VIEWS',
        ctr: wilsonInterval(clicks.length, shown.length),
        conversion: wilsonInterval(purchases.length, clicks.length),
      });
    }
  });

  it('ranks the products recommended, viewed and bought from recommendations', async () => {
    const current = await settled(served.length);
    const tally = (ids: readonly string[]) => {
      const counts = new Map<string, number>();
      for (const id of ids) {
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      return counts;
    };
    const asMap = (rows: Report['topViewed']) =>
      new Map(rows.map((row) => [row.product!.id, row.count]));
    const shown = served.filter((s) => s.surface !== 'EMAIL');
    assert.deepEqual(asMap(current.topRecommended), tally(served.flatMap((s) => s.itemIds)));
    assert.deepEqual(asMap(current.topViewed), tally(shown.map((s) => s.itemIds[0]!)));
    const bought = shown.filter(
      (s) => s.surface === 'HOMEPAGE' && (s.customer % 4 === 0 || s.customer === 1),
    );
    assert.deepEqual(asMap(current.topPurchased), tally(bought.map((s) => s.itemIds[0]!)));
    const counts = current.topRecommended.map((row) => row.count);
    assert.deepEqual(
      counts,
      [...counts].sort((x, y) => y - x),
      'most first',
    );
  });

  it('counts nothing outside the window, and refuses a window over 366 days', async () => {
    const past = await report({ since: '2020-01-01T00:00:00Z', until: '2020-02-01T00:00:00Z' });
    assert.deepEqual(past.byContext, []);
    assert.deepEqual(past.topRecommended, []);

    for (const window of [
      { since: '2020-01-01T00:00:00Z', until: '2021-01-03T00:00:00Z' },
      { since: '2021-01-01T00:00:00Z', until: '2020-01-01T00:00:00Z' },
    ]) {
      const result = await execute(a.url, RecommendationAnalyticsDocument, window);
      assert.equal(result.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
    }
  });

  it('needs the read scope', async () => {
    const created = await execute(a.url, CreateApiKeyDocument, {
      name: `write-only ${tag}`,
      scopes: ['WRITE'],
    });
    assert.equal(created.errors, undefined, JSON.stringify(created.errors));
    const result = await execute(
      a.url,
      RecommendationAnalyticsDocument,
      {},
      { apiKey: created.data!.createApiKey.key },
    );
    assert.equal(result.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
  });

  it('forgets the answers of an erased customer', async () => {
    await settled(served.length);
    const erased = CUSTOMERS - 1;
    const result = await execute(a.url, EraseCustomerDocument, { id: customers[erased]! });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    await relayed(a.backends);

    const current = await report();
    const total = current.byContext.reduce((sum, row) => sum + row.impressions, 0);
    const theirs = served.filter((s) => s.customer === erased).length;
    assert.equal(total, served.length - theirs);
  });
});
