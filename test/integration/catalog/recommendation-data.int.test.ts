import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  CatalogItemDetailsDocument,
  CreateApiKeyDocument,
  CustomerInterestKeywordsDocument,
  CustomerSessionsDocument,
  TrackBatchDocument,
  UpsertContentsDocument,
  UpsertCustomersDocument,
  UpsertProductsDocument,
} from '../../__generated__/graphql.js';
import { MAX_KEYWORDS } from '../../../src/lib/keywords.js';
import { execute } from '../../support/graphql-client.js';
import { removeFromGraph } from '../../support/seed.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

/** Keywords one over the bound: the whole item must be refused, not cut. */
const tooManyKeywords = Array.from({ length: MAX_KEYWORDS + 1 }, (_, i) => `k${i}`);

describe('Product.inStock, Product.stockCount, Product.keywords and Content.keywords', () => {
  let gateway: TestApp;
  const tag = randomUUID().slice(0, 8);
  const graphIds: string[] = [];

  before(async () => {
    gateway = await createTestApp();
  });

  after(async () => {
    await gateway.backends.graph.write('test.removeCatalog', (tx) =>
      tx.run('MATCH (n) WHERE (n:Product OR n:Content) AND n.id IN $ids DETACH DELETE n', {
        ids: graphIds,
      }),
    );
    await gateway.stop();
  });

  const details = async (productId: string, contentId: string) => {
    const result = await execute(gateway.url, CatalogItemDetailsDocument, {
      productId,
      contentId,
    });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    return result.data!;
  };

  it('stores availability and normalised keywords, derives inStock from a count of 0, and replaces them on upsert', async () => {
    const products = await execute(gateway.url, UpsertProductsDocument, {
      input: [
        {
          sku: `KW-${tag}-1`,
          name: 'Rain jacket',
          stockCount: 12,
          keywords: ['  Rain ', 'OUTDOOR', 'rain', 'hiking   gear', ''],
        },
        { sku: `KW-${tag}-2`, name: 'Sold out', stockCount: 0 },
        { sku: `KW-${tag}-3`, name: 'Backorder', stockCount: 0, inStock: true },
        { sku: `KW-${tag}-4`, name: 'Uncounted' },
      ],
    });
    assert.equal(products.errors, undefined, JSON.stringify(products.errors));
    const ids = products.data!.upsertProducts.results.map((r) => r.id!);
    const contents = await execute(gateway.url, UpsertContentsDocument, {
      input: [
        { externalId: `kw-${tag}`, title: 'Guide', kind: 'GUIDE', keywords: ['Rain', 'RAIN'] },
      ],
    });
    const contentId = contents.data!.upsertContents.results[0]!.id!;
    graphIds.push(...ids, contentId);

    const seen = await Promise.all(ids.map(async (id) => (await details(id, contentId)).product));
    assert.deepEqual(
      seen.map((p) => [p?.inStock, p?.stockCount, p?.keywords]),
      [
        [true, 12, ['rain', 'outdoor', 'hiking gear']],
        [false, 0, []],
        [true, 0, []],
        [true, null, []],
      ],
    );
    assert.deepEqual((await details(ids[0]!, contentId)).content?.keywords, ['rain']);

    // An upsert replaces the record: keywords not sent are gone, a new count derives anew.
    const replaced = await execute(gateway.url, UpsertProductsDocument, {
      input: [{ sku: `KW-${tag}-1`, name: 'Rain jacket', stockCount: 0 }],
    });
    assert.equal(replaced.data?.upsertProducts.results[0]?.status, 'UPDATED');
    const after = (await details(ids[0]!, contentId)).product;
    assert.deepEqual([after?.inStock, after?.stockCount, after?.keywords], [false, 0, []]);
  });

  it('rejects a negative stock count and an oversized keyword list per item, writing nothing of them', async () => {
    const result = await execute(gateway.url, UpsertProductsDocument, {
      input: [
        { sku: `BAD-${tag}-1`, name: 'Negative', stockCount: -1 },
        { sku: `BAD-${tag}-2`, name: 'Wordy', keywords: tooManyKeywords },
        { sku: `BAD-${tag}-3`, name: 'Long word', keywords: ['x'.repeat(65)] },
        { sku: `OK-${tag}`, name: 'Fine', keywords: ['fine'] },
      ],
    });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    const { results, created, rejected } = result.data!.upsertProducts;
    assert.deepEqual(
      results.map((r) => [r.status, r.error?.code ?? null]),
      [
        ['REJECTED', 'BAD_USER_INPUT'],
        ['REJECTED', 'BAD_USER_INPUT'],
        ['REJECTED', 'BAD_USER_INPUT'],
        ['CREATED', null],
      ],
    );
    assert.deepEqual([created, rejected], [1, 3]);
    assert.match(results[0]!.error!.message, /stockCount/);
    assert.match(results[1]!.error!.message, /keywords/);
    graphIds.push(results[3]!.id!);

    const content = await execute(gateway.url, UpsertContentsDocument, {
      input: [
        { externalId: `bad-${tag}`, title: 'Wordy', kind: 'ARTICLE', keywords: tooManyKeywords },
      ],
    });
    assert.deepEqual(
      content.data?.upsertContents.results.map((r) => [r.status, r.error?.code]),
      [['REJECTED', 'BAD_USER_INPUT']],
    );

    const { rows } = await gateway.backends.postgres.query<{ n: string }>(
      `SELECT count(*) AS n FROM products WHERE sku LIKE $1`,
      [`BAD-${tag}-%`],
    );
    assert.equal(Number(rows[0]!.n), 0);
    const { rows: contentRows } = await gateway.backends.postgres.query<{ n: string }>(
      `SELECT count(*) AS n FROM content WHERE external_id = $1`,
      [`bad-${tag}`],
    );
    assert.equal(Number(contentRows[0]!.n), 0);
  });
});

describe('Customer.interestKeywords and Event.sessionId/channel', () => {
  let gateway: TestApp;
  const customers: string[] = [];

  before(async () => {
    gateway = await createTestApp();
  });

  after(async () => {
    await removeFromGraph(gateway.backends, customers);
    await gateway.stop();
  });

  it('stores a profile’s interest keywords normalised, and rejects an oversized list alone', async () => {
    const result = await execute(gateway.url, UpsertCustomersDocument, {
      input: [
        {
          displayName: 'Keen hiker',
          identities: [{ type: 'EMAIL', value: `${randomUUID()}@example.com` }],
          interestKeywords: ['Hiking', ' hiking ', 'Trail  Running', 'Ada@Example.com'],
        },
        {
          displayName: 'Too keen',
          identities: [{ type: 'EMAIL', value: `${randomUUID()}@example.com` }],
          interestKeywords: tooManyKeywords,
        },
      ],
    });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    const [kept, refused] = result.data!.upsertCustomers.results;
    assert.deepEqual(
      [kept?.status, refused?.status, refused?.error?.code],
      ['CREATED', 'REJECTED', 'BAD_USER_INPUT'],
    );
    customers.push(kept!.id!);

    const seen = await execute(gateway.url, CustomerInterestKeywordsDocument, { id: kept!.id! });
    assert.deepEqual(seen.data?.customer?.interestKeywords, [
      'hiking',
      'trail running',
      'ada@example.com',
    ]);
    // A key without read:pii sees a keyword that looks personal masked, the others as they are.
    const reader = await execute(gateway.url, CreateApiKeyDocument, {
      name: 'keywords-reader',
      scopes: ['READ'],
    });
    const masked = await execute(
      gateway.url,
      CustomerInterestKeywordsDocument,
      { id: kept!.id! },
      { apiKey: reader.data!.createApiKey.key },
    );
    assert.deepEqual(masked.data?.customer?.interestKeywords, [
      'hiking',
      'trail running',
      'a•••@e•••.com',
    ]);
  });

  it('stores an event’s session id and channel (lower-cased), and rejects a malformed channel alone', async () => {
    const email = `${randomUUID()}@example.com`;
    const identity = { type: 'EMAIL' as const, value: email };
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    const result = await execute(gateway.url, TrackBatchDocument, {
      events: [
        { messageId: a, identity, type: 'PAGE', sessionId: 'sess-1', channel: 'Web' },
        { messageId: b, identity, type: 'PAGE' },
        { messageId: c, identity, type: 'PAGE', channel: 'not a channel!' },
      ],
    });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    const results = result.data!.trackBatch.results;
    assert.deepEqual(
      results.map((r) => [r.status, r.error?.code ?? null]),
      [
        ['CREATED', null],
        ['CREATED', null],
        ['REJECTED', 'BAD_USER_INPUT'],
      ],
    );
    customers.push(results[0]!.customerId!);

    const seen = await execute(gateway.url, CustomerSessionsDocument, {
      id: results[0]!.customerId!,
    });
    const byMessage = new Map(
      seen.data?.customer?.events?.edges.map((e) => [e.node.messageId, e.node]),
    );
    assert.deepEqual(
      [a, b, c].map((id) => [byMessage.get(id)?.sessionId, byMessage.get(id)?.channel]),
      [
        ['sess-1', 'web'],
        [null, null],
        [undefined, undefined],
      ],
    );
  });
});
