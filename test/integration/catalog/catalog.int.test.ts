import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import type { FormattedExecutionResult } from 'graphql';

import {
  CampaignPageDocument,
  ContentPageDocument,
  ProductLookupDocument,
  ProductPageDocument,
  type ProductPageQuery,
  UpsertCampaignDocument,
  UpsertCampaignsDocument,
  UpsertContentsDocument,
  UpsertProductDocument,
  UpsertProductsDocument,
} from '../../__generated__/graphql.js';
import { execute } from '../../support/graphql-client.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { until } from '../../support/until.js';

/** Catalog nodes and the test's own categories go from the shared test graph afterwards. */
async function removeCatalogNodes(gateway: TestApp, ids: string[], categories: string[]) {
  await gateway.backends.graph.write('test.removeCatalog', (tx) =>
    tx.run(
      `MATCH (n) WHERE (n:Product OR n:Content OR n:Campaign) AND n.id IN $ids DETACH DELETE n
       WITH count(*) AS _ MATCH (c:Category) WHERE c.name IN $categories DETACH DELETE c`,
      { ids, categories },
    ),
  );
}

describe('Mutation.upsertProduct and Mutation.upsertProducts', () => {
  let gateway: TestApp;
  const tag = randomUUID().slice(0, 8);
  const [shoes, sale] = [`shoes-${tag}`, `sale-${tag}`];
  const graphIds: string[] = [];

  before(async () => {
    gateway = await createTestApp({ env: { BATCH_MAX_SIZE: '4' } });
  });

  after(async () => {
    await removeCatalogNodes(gateway, graphIds, [shoes, sale]);
    await gateway.stop();
  });

  it('creates a product, replaces it by SKU, and brings the graph in line (categories replaced)', async () => {
    const sku = `SKU-${tag}-1`;
    const created = await execute(gateway.url, UpsertProductDocument, {
      input: {
        sku,
        name: 'Trail runner',
        price: 89.999,
        currency: 'EUR',
        categories: [shoes, sale],
        attributes: { brand: 'Acme' },
      },
    });
    assert.equal(created.errors, undefined, JSON.stringify(created.errors));
    const id = created.data!.upsertProduct.id;
    graphIds.push(id);
    assert.equal(created.data!.upsertProduct.price, 90);

    const updated = await execute(gateway.url, UpsertProductDocument, {
      input: { sku, name: 'Trail runner 2', categories: [shoes] },
    });

    assert.equal(updated.data?.upsertProduct.id, id, 'same SKU, same product');
    assert.equal(updated.data?.upsertProduct.price, null);
    const lookup = await execute(gateway.url, ProductLookupDocument, { id, sku });
    assert.deepEqual(lookup.data?.product, {
      id,
      sku,
      name: 'Trail runner 2',
      categories: [{ name: shoes }],
    });
    assert.equal(lookup.data?.productBySku?.id, id);
    const graph = await until(
      () =>
        gateway.backends.graph.read('test.product', (tx) =>
          tx.run(
            `MATCH (p:Product {id: $id}) OPTIONAL MATCH (p)-[:IN_CATEGORY]->(c:Category)
             RETURN p.name AS name, p.sku AS sku, collect(c.name) AS categories`,
            { id },
          ),
        ),
      (r) => r.records[0]?.get('name') === 'Trail runner 2',
      10_000,
    );
    assert.deepEqual(graph.records[0]?.toObject(), {
      name: 'Trail runner 2',
      sku,
      categories: [shoes],
    });
  });

  it('stores the good items of a batch and rejects the bad one, writing nothing of it', async () => {
    const skus = [`SKU-${tag}-a`, `SKU-${tag}-b`, `SKU-${tag}-c`];

    const result = await execute(gateway.url, UpsertProductsDocument, {
      input: [
        { sku: skus[0]!, name: 'A', categories: [shoes] },
        { sku: skus[1]!, name: 'B', price: 10, categories: [shoes] },
        { sku: skus[2]!, name: 'C', price: 5, currency: 'EUR' },
      ],
    });

    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    const batch = result.data!.upsertProducts;
    assert.deepEqual(
      { created: batch.created, updated: batch.updated, rejected: batch.rejected },
      { created: 2, updated: 0, rejected: 1 },
    );
    assert.deepEqual(
      batch.results.map((r) => [r.index, r.status, r.error?.code ?? null]),
      [
        [0, 'CREATED', null],
        [1, 'REJECTED', 'BAD_USER_INPUT'],
        [2, 'CREATED', null],
      ],
    );
    graphIds.push(...batch.results.flatMap((r) => (r.id ? [r.id] : [])));
    const lookup = await execute(gateway.url, ProductLookupDocument, {
      id: randomUUID(),
      sku: skus[1]!,
    });
    assert.equal(lookup.data?.productBySku, null, 'nothing of the bad item was written');
  });

  it('reports each invalid field of a rejected item, and keeps the others', async () => {
    const result = await execute(gateway.url, UpsertProductsDocument, {
      input: [
        { sku: '', name: 'no sku' },
        { sku: `SKU-${tag}-ok`, name: 'fine' },
      ],
    });

    const [bad, good] = result.data!.upsertProducts.results;
    assert.equal(bad?.status, 'REJECTED');
    assert.match(bad!.error!.message, /sku/);
    assert.equal(good?.status, 'CREATED');
    graphIds.push(good!.id!);
  });

  it('refuses a batch over BATCH_MAX_SIZE with BAD_USER_INPUT and writes none of it', async () => {
    const input = Array.from({ length: 5 }, (_, n) => ({ sku: `SKU-${tag}-big-${n}`, name: 'x' }));

    const result = await execute(gateway.url, UpsertProductsDocument, { input });

    assert.equal(result.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
    const page = await execute(gateway.url, ProductPageDocument, {
      first: 10,
      filter: { search: 'x' },
    });
    assert.equal(page.data?.products.edges.filter((e) => e.node.sku.includes('-big-')).length, 0);
  });
});

describe('Query.products', () => {
  let gateway: TestApp;

  before(async () => {
    gateway = await createTestApp();
  });

  after(async () => {
    await gateway.stop();
  });

  it('pages through the filtered products in SKU order with keyset cursors', async () => {
    const category = `lamps-${randomUUID().slice(0, 8)}`;
    const input = ['P-05', 'P-01', 'P-04', 'P-02', 'P-03'].map((sku) => ({
      sku,
      name: `Desk lamp ${sku}`,
      categories: [category],
    }));
    input.push({ sku: 'P-00', name: 'Desk lamp outside the category', categories: [] });
    input.push({ sku: 'P-06', name: 'Floor light', categories: [category] });
    const stored = await execute(gateway.url, UpsertProductsDocument, { input });
    assert.equal(stored.data?.upsertProducts.created, 7);
    const filter = { category, search: 'DESK LAMP' };

    const pages: string[][] = [];
    let after: string | null = null;
    for (;;) {
      const result: FormattedExecutionResult<ProductPageQuery> = await execute(
        gateway.url,
        ProductPageDocument,
        { first: 2, after, filter },
      );
      assert.equal(result.errors, undefined, JSON.stringify(result.errors));
      const { edges, pageInfo } = result.data!.products;
      pages.push(edges.map((e) => e.node.sku));
      if (!pageInfo.hasNextPage) {
        break;
      }
      after = pageInfo.endCursor;
    }

    assert.deepEqual(pages, [['P-01', 'P-02'], ['P-03', 'P-04'], ['P-05']]);
    await removeCatalogNodes(
      gateway,
      stored.data!.upsertProducts.results.map((r) => r.id!),
      [category],
    );
  });

  it('keeps only products changed since a time, and takes wildcards in search literally', async () => {
    const since = new Date();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const stored = await execute(gateway.url, UpsertProductsDocument, {
      input: [{ sku: 'Q-1', name: '100% wool' }],
    });

    const changed = await execute(gateway.url, ProductPageDocument, {
      first: 10,
      filter: { updatedSince: since.toISOString() },
    });
    const literal = await execute(gateway.url, ProductPageDocument, {
      first: 10,
      filter: { search: '0%' },
    });
    const wildcard = await execute(gateway.url, ProductPageDocument, {
      first: 10,
      filter: { search: '_' },
    });

    assert.deepEqual(
      changed.data?.products.edges.map((e) => e.node.sku),
      ['Q-1'],
    );
    assert.deepEqual(
      literal.data?.products.edges.map((e) => e.node.sku),
      ['Q-1'],
    );
    assert.deepEqual(wildcard.data?.products.edges, []);
    await removeCatalogNodes(gateway, [stored.data!.upsertProducts.results[0]!.id!], []);
  });

  it('answers BAD_USER_INPUT for a cursor it did not issue and for first over 100', async () => {
    const badCursor = await execute(gateway.url, ProductPageDocument, {
      first: 2,
      after: 'nope',
    });
    const tooMany = await execute(gateway.url, ProductPageDocument, { first: 101 });

    assert.equal(badCursor.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
    assert.equal(tooMany.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
  });
});

describe('content and campaigns', () => {
  let gateway: TestApp;
  const graphIds: string[] = [];

  before(async () => {
    gateway = await createTestApp();
  });

  after(async () => {
    await removeCatalogNodes(gateway, graphIds, []);
    await gateway.stop();
  });

  it('upserts content by external id and lists it by kind', async () => {
    const result = await execute(gateway.url, UpsertContentsDocument, {
      input: [
        { externalId: 'c-1', title: 'How to choose shoes', kind: 'ARTICLE' },
        { externalId: 'c-2', title: 'Unboxing', kind: 'VIDEO', url: 'https://example.com/v' },
        { externalId: 'c-3', title: 'Bad link', kind: 'VIDEO', url: 'javascript:alert(1)' },
        { externalId: 'c-1', title: 'How to choose running shoes', kind: 'ARTICLE' },
      ],
    });
    graphIds.push(...result.data!.upsertContents.results.flatMap((r) => (r.id ? [r.id] : [])));

    assert.deepEqual(
      result.data?.upsertContents.results.map((r) => r.status),
      ['CREATED', 'CREATED', 'REJECTED', 'UPDATED'],
    );
    const videos = await execute(gateway.url, ContentPageDocument, {
      first: 10,
      filter: { kind: 'VIDEO' },
    });
    assert.deepEqual(
      videos.data?.contents.edges.map((e) => [e.node.externalId, e.node.url]),
      [['c-2', 'https://example.com/v']],
    );
  });

  it('upserts campaigns, rejects one ending before it starts, and filters by status', async () => {
    const single = await execute(gateway.url, UpsertCampaignDocument, {
      input: { externalId: 'spring', name: 'Spring sale', channel: 'EMAIL', status: 'ACTIVE' },
    });
    assert.equal(single.data?.upsertCampaign.status, 'ACTIVE');
    graphIds.push(single.data!.upsertCampaign.id);
    const batch = await execute(gateway.url, UpsertCampaignsDocument, {
      input: [
        { externalId: 'summer', name: 'Summer', channel: 'SMS' },
        {
          externalId: 'backwards',
          name: 'Backwards',
          channel: 'WEB',
          startsAt: '2026-06-01T00:00:00Z',
          endsAt: '2026-05-01T00:00:00Z',
        },
      ],
    });
    graphIds.push(...batch.data!.upsertCampaigns.results.flatMap((r) => (r.id ? [r.id] : [])));

    assert.deepEqual(
      batch.data?.upsertCampaigns.results.map((r) => [r.status, r.error?.code ?? null]),
      [
        ['CREATED', null],
        ['REJECTED', 'BAD_USER_INPUT'],
      ],
    );
    const active = await execute(gateway.url, CampaignPageDocument, {
      first: 10,
      filter: { status: 'ACTIVE' },
    });
    const drafts = await execute(gateway.url, CampaignPageDocument, {
      first: 10,
      filter: { status: 'DRAFT', channel: 'SMS' },
    });
    assert.deepEqual(
      active.data?.campaigns.edges.map((e) => e.node.externalId),
      ['spring'],
    );
    assert.deepEqual(
      drafts.data?.campaigns.edges.map((e) => e.node.externalId),
      ['summer'],
    );
  });
});
