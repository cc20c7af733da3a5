import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';

import { pino } from 'pino';

import {
  GeminiEmbedder,
  type GeminiEmbedderOptions,
  GeminiEmbeddingError,
} from '../../src/datasources/gemini-embedder.js';
import { parseRetryAfter, retryDelayOf } from '../../src/datasources/gemini-call.js';

const API_KEY = 'AIzaTEST-key-that-must-never-be-logged-0123456789';
const MODEL = 'gemini-embedding-001';
const DIMENSIONS = 8;

interface SeenRequest {
  readonly at: number;
  readonly path: string;
  readonly apiKey: string | undefined;
  readonly texts: string[];
  readonly taskTypes: string[];
  readonly dimensions: number[];
}

interface BatchRequestBody {
  requests: {
    content: { parts: { text: string }[] };
    taskType?: string;
    outputDimensionality?: number;
    model?: string;
  }[];
}

/** How the emulated API answers the n-th request (0-based); `undefined` answers normally. */
type Script = (n: number, res: ServerResponse) => 'handled' | 'hang' | undefined;

/**
 * A local stand-in for the Gemini API's `models/{model}:batchEmbedContents` (the REST call
 * the SDK makes for `models.embedContent`). The vector for text `t<n>` is [n + 1, 2, 0, ...],
 * deliberately not unit length, so tests can check order and normalisation.
 */
class FakeGemini {
  readonly requests: SeenRequest[] = [];
  inFlight = 0;
  maxInFlight = 0;
  responseDelayMs = 5;
  script: Script = () => undefined;
  private readonly server = createServer((req, res) => void this.handle(req, res));

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  reset(): void {
    this.requests.length = 0;
    this.maxInFlight = 0;
    this.responseDelayMs = 5;
    this.script = () => undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    res.on('close', () => (this.inFlight -= 1));
    const chunks: Buffer[] = [];
    for await (const chunk of req) {
      chunks.push(chunk as Buffer);
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as BatchRequestBody;
    const n = this.requests.length;
    this.requests.push({
      at: performance.now(),
      path: `${req.method} ${req.url}`,
      apiKey: req.headers['x-goog-api-key'] as string | undefined,
      texts: body.requests.map((r) => r.content.parts.map((p) => p.text).join('')),
      taskTypes: body.requests.map((r) => r.taskType ?? ''),
      dimensions: body.requests.map((r) => r.outputDimensionality ?? 0),
    });
    await new Promise((resolve) => setTimeout(resolve, this.responseDelayMs));
    const scripted = this.script(n, res);
    if (scripted === 'handled' || scripted === 'hang') {
      return;
    }
    const embeddings = this.requests[n]!.texts.map((text) => {
      const values = new Array<number>(DIMENSIONS).fill(0);
      values[0] = Number.parseInt(text.slice(1), 10) + 1;
      values[1] = 2;
      return { values };
    });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ embeddings }));
  }
}

function fail(res: ServerResponse, status: number, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ error: { code: status, message: 'scripted', status: 'SCRIPTED' } }));
}

const texts = (count: number) => Array.from({ length: count }, (_, i) => `t${i}`);

describe('GeminiEmbedder', () => {
  const gemini = new FakeGemini();
  let baseUrl = '';
  let logLines: string[] = [];

  const embedder = (overrides: Partial<GeminiEmbedderOptions> = {}) =>
    new GeminiEmbedder({
      apiKey: API_KEY,
      baseUrl,
      model: MODEL,
      dimensions: DIMENSIONS,
      batchSize: 100,
      concurrency: 4,
      timeoutMs: 5_000,
      maxAttempts: 5,
      minRetryDelayMs: 5,
      maxRetryDelayMs: 5_000,
      logger: pino({ level: 'debug' }, { write: (line: string) => logLines.push(line) }),
      ...overrides,
    });

  before(async () => {
    baseUrl = await gemini.start();
  });
  after(() => gemini.stop());
  beforeEach(() => {
    gemini.reset();
    logLines = [];
  });

  it('sends 250 texts as 3 batchEmbedContents calls of at most 100, keeping their order', async () => {
    const vectors = await embedder().embed(texts(250), 'document');

    assert.deepEqual(
      gemini.requests.map((r) => r.texts.length).sort((a, b) => b - a),
      [100, 100, 50],
    );
    for (const request of gemini.requests) {
      // @google/genai 3 calls v1 (1.x called v1beta); the model and method are what matter.
      assert.match(
        request.path,
        new RegExp(`^POST /v1(beta)?/models/${MODEL}:batchEmbedContents$`),
      );
      assert.deepEqual(new Set(request.dimensions), new Set([DIMENSIONS]));
    }
    assert.equal(vectors.length, 250);
    vectors.forEach((vector, i) => {
      assert.equal(vector.length, DIMENSIONS);
      assert.ok(Math.abs(Math.hypot(...vector) - 1) < 1e-6, `vector ${i} has unit length`);
      assert.ok(Math.abs(vector[0]! / vector[1]! - (i + 1) / 2) < 1e-3, `vector ${i} in order`);
    });
  });

  it('names the model with its dimensions and asks for the task type of the purpose', async () => {
    const model = embedder();
    await model.embed(['t1'], 'document');
    await model.embed(['t2'], 'query');

    assert.equal(model.model, `gemini:${MODEL}@${DIMENSIONS}`);
    assert.deepEqual(
      gemini.requests.map((r) => r.taskTypes),
      [['RETRIEVAL_DOCUMENT'], ['RETRIEVAL_QUERY']],
    );
  });

  it('makes no call for no texts, and sends no blank text', async () => {
    assert.deepEqual(await embedder().embed([], 'query'), []);
    assert.equal(gemini.requests.length, 0);

    const vectors = await embedder().embed(['t3', ' ', 't5'], 'document');

    assert.deepEqual(gemini.requests[0]!.texts, ['t3', 't5']);
    assert.ok(vectors[1]!.every((value) => value === 0));
    assert.ok(Math.abs(vectors[0]![0]! / vectors[0]![1]! - 2) < 1e-3);
    assert.ok(Math.abs(vectors[2]![0]! / vectors[2]![1]! - 3) < 1e-3);
  });

  it('never has more calls in flight than its concurrency, across concurrent embeds', async () => {
    gemini.responseDelayMs = 30;
    const model = embedder({ batchSize: 10, concurrency: 4 });

    const [a, b] = await Promise.all([
      model.embed(texts(250), 'document'),
      model.embed(texts(60), 'query'),
    ]);

    assert.equal(gemini.requests.length, 25 + 6);
    assert.equal(gemini.maxInFlight, 4);
    assert.equal(a.length, 250);
    assert.equal(b.length, 60);
  });

  it('retries a 429 no sooner than its Retry-After, then succeeds', async () => {
    gemini.script = (n, res) =>
      n === 0 ? (fail(res, 429, { 'retry-after': '1' }), 'handled') : undefined;

    const vectors = await embedder().embed(texts(3), 'document');

    assert.equal(vectors.length, 3);
    assert.equal(gemini.requests.length, 2);
    const waited = gemini.requests[1]!.at - gemini.requests[0]!.at;
    assert.ok(waited >= 1_000, `waited ${waited} ms`);
    assert.match(logLines.join(''), /"status":429/);
  });

  it('waits as long as the RetryInfo of a 429 body asks (Gemini sends no Retry-After)', async () => {
    gemini.script = (n, res) => {
      if (n > 0) {
        return undefined;
      }
      res.writeHead(429, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: {
            code: 429,
            status: 'RESOURCE_EXHAUSTED',
            details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '0.3s' }],
          },
        }),
      );
      return 'handled';
    };

    await embedder().embed(texts(1), 'query');

    const waited = gemini.requests[1]!.at - gemini.requests[0]!.at;
    assert.ok(waited >= 300, `waited ${waited} ms`);
  });

  it('ends a persistent 500 with a clear error after the bounded attempts', async () => {
    gemini.script = (_, res) => (fail(res, 500), 'handled');

    await assert.rejects(embedder({ maxAttempts: 3 }).embed(texts(2), 'document'), (error) => {
      assert.ok(error instanceof GeminiEmbeddingError);
      assert.equal(error.status, 500);
      assert.equal(error.attempts, 3);
      assert.match(error.message, /Gemini embedding failed after 3 attempts: HTTP 500/);
      return true;
    });
    assert.equal(gemini.requests.length, 3);
  });

  it('does not retry a request the API refuses (400)', async () => {
    gemini.script = (_, res) => (fail(res, 400), 'handled');

    await assert.rejects(embedder().embed(texts(2), 'document'), /after 1 attempt: HTTP 400/);
    assert.equal(gemini.requests.length, 1);
  });

  it('gives up on an attempt at its deadline and retries it', async () => {
    gemini.script = (n) => (n === 0 ? 'hang' : undefined);

    const vectors = await embedder({ timeoutMs: 200 }).embed(texts(2), 'query');

    assert.equal(vectors.length, 2);
    assert.equal(gemini.requests.length, 2);
    assert.match(logLines.join(''), /no response within 200 ms/);
  });

  it('sends the key in the x-goog-api-key header and never logs it or a text', async () => {
    gemini.script = (n, res) => (n < 2 ? (fail(res, 503), 'handled') : undefined);
    await embedder().embed(['t7 private note of a customer'], 'document');
    gemini.script = (_, res) => (fail(res, 500), 'handled');
    const failure = await embedder({ maxAttempts: 2 })
      .embed(['t9 another private note'], 'document')
      .catch((error: unknown) => error);

    assert.ok(gemini.requests.every((r) => r.apiKey === API_KEY));
    assert.ok(!gemini.requests.some((r) => r.path.includes(API_KEY)), 'key not in the URL');
    const logs = logLines.join('');
    assert.ok(logLines.length >= 3, 'retries and the failure were logged');
    assert.ok(!logs.includes(API_KEY), 'key not logged');
    assert.ok(!logs.includes('private note'), 'texts not logged');
    assert.ok(failure instanceof Error && !failure.message.includes(API_KEY));
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP dates, and nothing else', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');

    assert.equal(parseRetryAfter('2', now), 2_000);
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now), 5_000);
    assert.equal(parseRetryAfter('soon', now), null);
    assert.equal(parseRetryAfter(null, now), null);
  });
});

describe('retryDelayOf', () => {
  it('reads the RetryInfo detail of a Google API error body', () => {
    const body = (retryDelay: unknown) =>
      JSON.stringify({
        error: { details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay }] },
      });

    assert.equal(retryDelayOf(body('37s')), 37_000);
    assert.equal(retryDelayOf(body('1.5s')), 1_500);
    assert.equal(retryDelayOf(body(5)), null);
    assert.equal(retryDelayOf('<html>Bad gateway</html>'), null);
  });
});
