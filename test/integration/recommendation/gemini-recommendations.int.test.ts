import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';

import {
  CustomerRecommendationsDocument,
  FitRecommendationModelsDocument,
  SearchProductsDocument,
  UpsertCustomerDocument,
  UpsertProductsDocument,
} from '../../__generated__/graphql.js';
import { execute } from '../../support/graphql-client.js';
import { relayed } from '../../support/seed.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

const API_KEY = 'test-gemini-key';
/** The emulator's "meaning": one dimension per topic, counted from the words of a text. */
const TOPICS = [
  ['coffee', 'espresso', 'beans'],
  ['tent', 'camping', 'hiking'],
  ['novel', 'book', 'reading'],
  ['lipstick', 'perfume', 'beauty'],
];

interface EmbedRequest {
  requests: { content: { parts: { text: string }[] }; taskType?: string }[];
}

/**
 * Gemini's batchEmbedContents over real HTTP, answering with topic counts, so the gateway's
 * remote path (fit, followers, queries) can be checked end to end without the network.
 */
function startGeminiEmulator() {
  const seen: { path: string; key: string | undefined; taskTypes: string[] }[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as EmbedRequest;
      seen.push({
        path: req.url ?? '',
        key: req.headers['x-goog-api-key'] as string | undefined,
        taskTypes: body.requests.map((r) => r.taskType ?? ''),
      });
      const embeddings = body.requests.map((r) => {
        const words = r.content.parts
          .map((p) => p.text)
          .join(' ')
          .toLowerCase();
        return { values: TOPICS.map((topic) => topic.filter((w) => words.includes(w)).length) };
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ embeddings }));
    });
  });
  return {
    seen,
    start: () =>
      new Promise<string>((resolve) =>
        server.listen(0, '127.0.0.1', () =>
          resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
        ),
      ),
    stop: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('recommendations with Gemini embeddings', () => {
  const gemini = startGeminiEmulator();
  let gateway: TestApp;
  const tag = randomUUID().slice(0, 8);
  const ids: Record<string, string> = {};

  before(async () => {
    const baseUrl = await gemini.start();
    gateway = await createTestApp({
      env: {
        GEMINI_API_KEY: API_KEY,
        GEMINI_BASE_URL: baseUrl,
        GEMINI_EMBEDDING_DIMENSIONS: String(TOPICS.length),
      },
    });
    const products = [
      { sku: 'ESPRESSO', name: 'Espresso machine', keywords: ['coffee'] },
      { sku: 'TENT', name: 'Hiking tent', keywords: ['camping'] },
      { sku: 'NOVEL', name: 'A long novel', keywords: ['reading'] },
    ];
    const stored = await execute(gateway.url, UpsertProductsDocument, {
      input: products.map((p) => ({ ...p, sku: `${p.sku}-${tag}`, categories: [`g-${tag}`] })),
    });
    assert.equal(stored.errors, undefined, JSON.stringify(stored.errors));
    stored.data!.upsertProducts.results.forEach((r, i) => (ids[products[i]!.sku] = r.id!));
    await relayed(gateway.backends);
  });

  after(async () => {
    await gateway?.stop();
    await gemini.stop();
  });

  it('fits with Gemini: the catalogue is embedded as documents, with the key in its header', async () => {
    const fit = await execute(gateway.url, FitRecommendationModelsDocument, {});
    assert.equal(fit.errors, undefined, JSON.stringify(fit.errors));
    assert.equal(
      fit.data!.fitRecommendationModels.textModel,
      `gemini:gemini-embedding-001@${TOPICS.length}`,
    );
    const documents = gemini.seen.filter((s) => s.taskTypes.includes('RETRIEVAL_DOCUMENT'));
    assert.ok(documents.length > 0);
    assert.ok(gemini.seen.every((s) => s.key === API_KEY && !s.path.includes(API_KEY)));
  });

  it('searches and recommends by the remote model’s meaning', async () => {
    const search = await execute(gateway.url, SearchProductsDocument, {
      text: 'espresso beans',
      first: 1,
    });
    assert.equal(search.errors, undefined, JSON.stringify(search.errors));
    assert.equal(search.data!.searchProducts[0]!.product!.id, ids['ESPRESSO']);
    assert.ok(gemini.seen.some((s) => s.taskTypes.includes('RETRIEVAL_QUERY')));

    const id = randomUUID();
    await execute(gateway.url, UpsertCustomerDocument, {
      input: { id, displayName: 'Camper', traits: { interests: ['camping', 'hiking'] } },
    });
    const answer = await execute(gateway.url, CustomerRecommendationsDocument, {
      id,
      first: 1,
      categories: [`g-${tag}`],
    });
    assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
    const first = answer.data!.customer!.recommendations[0]!;
    assert.equal(first.item?.__typename === 'Product' ? first.item.id : null, ids['TENT']);
    assert.match(first.modelVersion, /text:gemini:gemini-embedding-001/);
  });

  it('asks Gemini once for interests that come back on every request', async () => {
    const id = randomUUID();
    await execute(gateway.url, UpsertCustomerDocument, {
      input: { id, displayName: 'Reader', traits: { interests: ['reading', 'novel', tag] } },
    });
    const before = gemini.seen.length;
    for (let i = 0; i < 3; i++) {
      // Different `first` values: three computed answers, not one cached.
      const answer = await execute(gateway.url, CustomerRecommendationsDocument, {
        id,
        first: i + 1,
      });
      assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
    }
    const queries = gemini.seen
      .slice(before)
      .filter((s) => s.taskTypes.includes('RETRIEVAL_QUERY'));
    assert.equal(queries.length, 1);
  });
});
