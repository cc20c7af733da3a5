import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';

import { pino } from 'pino';

import {
  AskCustomerDocument,
  AskProductsDocument,
  AuditLogDocument,
  AskSegmentDocument,
  CreateApiKeyDocument,
  CustomerSummariesDocument,
  CustomerSummaryDocument,
  SetConsentDocument,
  TrackDocument,
  UpsertCustomerDocument,
  UpsertProductsDocument,
} from '../../__generated__/graphql.js';
import {
  echoFacts,
  factLines,
  type GeminiEmulator,
  modelAnswer,
  startGeminiEmulator,
} from '../../support/gemini-emulator.js';
import { summaryKey } from '../../../src/modules/assistant/summary.cache.js';
import { execute } from '../../support/graphql-client.js';
import { relayed, seedFamily } from '../../support/seed.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

const GEMINI_KEY = 'test-gemini-key';
const CONCURRENCY = 2;

/**
 * With GEMINI_API_KEY, against a local server speaking Gemini's REST shapes: what is sent
 * (only what the key may read, nothing of another customer, no prompt in logs) and what comes
 * back (citations checked, text treated as untrusted, retries and deadlines).
 */
describe('assistant with Gemini', () => {
  let gemini: GeminiEmulator;
  let gateway: TestApp;
  const logLines: string[] = [];
  let reader: string;
  const tag = randomUUID().slice(0, 8);
  const ada = { id: '', email: `ada-${tag}@example.com`, name: `Ada Secret ${tag}` };
  const bob = { id: '', email: `bob-${tag}@example.com`, name: `Bob Other ${tag}` };
  const carol = { id: '', email: `carol-${tag}@example.com`, name: `Carol Third ${tag}` };

  before(async () => {
    gemini = await startGeminiEmulator();
    gateway = await createTestApp({
      env: {
        GEMINI_API_KEY: GEMINI_KEY,
        GEMINI_BASE_URL: gemini.url,
        GEMINI_TIMEOUT_MS: '2000',
        GEMINI_MAX_ATTEMPTS: '2',
        GEMINI_TEXT_CONCURRENCY: String(CONCURRENCY),
        ASSISTANT_MAX_GENERATIONS_PER_OPERATION: '1',
      },
      logger: pino({ level: 'debug' }, { write: (line: string) => logLines.push(line) }),
    });
    const created = await execute(gateway.url, CreateApiKeyDocument, {
      name: 'reader',
      scopes: ['READ'],
    });
    reader = created.data!.createApiKey.key;
    for (const person of [ada, bob, carol]) {
      const tracked = await execute(gateway.url, TrackDocument, {
        event: {
          messageId: randomUUID(),
          identity: { type: 'EMAIL', value: person.email },
          type: 'PURCHASE',
          name: 'checkout',
          properties: { plan: 'gold', phone: '+44 20 7946 0958' },
        },
      });
      person.id = tracked.data!.track.customerId!;
      const upserted = await execute(gateway.url, UpsertCustomerDocument, {
        input: {
          id: person.id,
          displayName: person.name,
          email: person.email,
          traits: { plan: 'gold', home: `Baker Street ${tag}`, interests: ['jazz'] },
        },
      });
      assert.equal(upserted.errors, undefined, JSON.stringify(upserted.errors));
    }
    for (const consenting of [ada, carol]) {
      await execute(gateway.url, SetConsentDocument, {
        customerId: consenting.id,
        purpose: 'AI',
        granted: true,
      });
    }
    await seedFamily(gateway, [
      {
        type: 'SPOUSE_OF',
        from: { id: ada.id, displayName: '' },
        to: { id: bob.id, displayName: '' },
      },
    ]);
  });

  beforeEach(() => {
    gemini.reply = echoFacts;
  });

  after(async () => {
    await gateway?.stop();
    await gemini?.close();
  });

  it('sends only what a key without READ_PII may read unmasked, and nothing of another customer', async () => {
    const before = gemini.generated.length;
    const read = await execute(
      gateway.url,
      CustomerSummaryDocument,
      { id: ada.id },
      { apiKey: reader },
    );
    assert.equal(read.errors, undefined, JSON.stringify(read.errors));
    assert.equal(gemini.generated.length, before + 1);
    const sent = gemini.generated.at(-1)!;
    for (const secret of [
      ada.name,
      ada.email,
      'Baker Street',
      '7946',
      bob.name,
      bob.email,
      '•••',
    ]) {
      assert.ok(!sent.raw.includes(secret), `the prompt holds ${secret}`);
    }
    assert.match(sent.prompt, /Trait plan: "gold"/);
    assert.match(sent.prompt, /Has a spouse \(another customer\)/);
    assert.match(sent.path, /models\/gemini-2\.5-flash:generateContent$/);
    assert.equal(sent.apiKey, GEMINI_KEY);
    assert.equal(sent.generationConfig['responseMimeType'], 'application/json');
    assert.ok(sent.generationConfig['responseSchema']);

    const summary = read.data!.customer!.summary!;
    assert.equal(summary.source, 'MODEL');
    assert.equal(summary.model, 'gemini:gemini-2.5-flash');
    assert.equal(summary.statements.length, factLines(sent.prompt).length);
    assert.ok(summary.citations.some((c) => c.kind === 'RELATIONSHIP' && c.id === bob.id));
    assert.ok(summary.citations.some((c) => c.kind === 'EVENT'));
  });

  it('sends personal values for a key with READ_PII, under another cache version', async () => {
    const before = gemini.generated.length;
    const read = await execute(gateway.url, CustomerSummaryDocument, { id: ada.id });
    assert.equal(read.errors, undefined, JSON.stringify(read.errors));
    assert.equal(gemini.generated.length, before + 1);
    assert.ok(gemini.generated.at(-1)!.prompt.includes(ada.name));
    assert.ok(!gemini.generated.at(-1)!.raw.includes(bob.name));

    const audit = await execute(gateway.url, AuditLogDocument, {
      filter: { action: 'PII_READ' },
      first: 100,
    });
    const entry = audit
      .data!.auditLog.edges.map((e) => e.node)
      .find((n) => n.subjectIds.includes(ada.id));
    assert.deepEqual(entry?.details['fields'], ['Customer.summary']);

    // The same data read again: from the cache, no call.
    await execute(gateway.url, CustomerSummaryDocument, { id: ada.id });
    assert.equal(gemini.generated.length, before + 1);
  });

  it('makes no call for a customer without AI consent', async () => {
    const before = gemini.generated.length;
    const read = await execute(gateway.url, AskCustomerDocument, {
      customerId: bob.id,
      question: 'What did they buy?',
    });
    assert.equal(read.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
    assert.equal(gemini.generated.length, before);
  });

  it('treats the answer as untrusted: markup removed, citations it was not given dropped', async () => {
    gemini.reply = () =>
      modelAnswer({
        statements: [
          {
            text: 'Ada <script>alert(1)</script> is a <b>loyal</b>\u0000 buyer.',
            citations: ['F1', 'F999'],
          },
          { text: 'An uncited claim.', citations: ['F999', 'bogus'] },
          { text: '', citations: ['F2'] },
        ],
      });
    const answer = await execute(
      gateway.url,
      AskCustomerDocument,
      { customerId: ada.id, question: 'Is this a loyal customer?' },
      { apiKey: reader },
    );
    assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
    const ask = answer.data!.ask;
    assert.equal(ask.statements.length, 1);
    assert.equal(ask.text, 'Ada alert(1) is a loyal buyer.');
    assert.equal(ask.citations.length, 1);
    const prompt = gemini.generated.at(-1)!.prompt;
    assert.match(prompt, /<question>\nIs this a loyal customer\?\n<\/question>/);
  });

  it('answers MODEL_UNAVAILABLE (INVALID_OUTPUT) for an answer of another shape', async () => {
    gemini.reply = () => modelAnswer({ summary: 'free text' });
    const answer = await execute(gateway.url, AskCustomerDocument, {
      customerId: ada.id,
      question: 'Anything?',
    });
    assert.equal(answer.errors?.[0]?.extensions?.['code'], 'MODEL_UNAVAILABLE');
    assert.equal(answer.errors?.[0]?.extensions?.['reason'], 'INVALID_OUTPUT');
  });

  it('retries a 429, waiting at least what Retry-After asks', async () => {
    const before = gemini.generated.length;
    gemini.reply = (request, count) =>
      count === before + 1
        ? { status: 429, headers: { 'retry-after': '1' }, body: { error: { code: 429 } } }
        : echoFacts(request, count);
    const answer = await execute(gateway.url, AskCustomerDocument, {
      customerId: ada.id,
      question: 'What plan are they on?',
    });
    assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
    assert.equal(gemini.generated.length, before + 2);
    const retry = logLines
      .map((line) => JSON.parse(line) as { msg: string; status?: number; delayMs?: number })
      .find((entry) => entry.msg === 'gemini generation attempt failed, retrying');
    assert.equal(retry?.status, 429);
    assert.ok(retry.delayMs! >= 1_000, `waited ${retry.delayMs} ms`);
  });

  it(`keeps at most GEMINI_TEXT_CONCURRENCY (${CONCURRENCY}) generations in flight; the rest wait their turn`, async () => {
    gemini.maxInFlight = 0;
    gemini.reply = (request, count) => ({ ...echoFacts(request, count), afterMs: 200 });
    const answers = await Promise.all(
      Array.from({ length: CONCURRENCY * 3 }, (_, i) =>
        execute(gateway.url, AskCustomerDocument, {
          customerId: ada.id,
          question: `What plan, take ${i}?`,
        }),
      ),
    );
    assert.ok(answers.every((a) => a.errors === undefined && a.data!.ask.source === 'MODEL'));
    // At most the cap (how many overlap below it depends on the machine's load).
    assert.ok(gemini.maxInFlight <= CONCURRENCY, `${gemini.maxInFlight} in flight`);
  });

  it('lets one operation cause at most ASSISTANT_MAX_GENERATIONS_PER_OPERATION model calls', async () => {
    await gateway.backends.redis!.commands.del(summaryKey(ada.id), summaryKey(carol.id));
    const before = gemini.generated.length;
    const page = await execute(gateway.url, CustomerSummariesDocument, { first: 10 });
    assert.equal(gemini.generated.length, before + 1);
    const written = page.data!.customers.edges.filter((e) => e.node.summary !== null);
    assert.equal(written.length, 1);
    assert.ok([ada.id, carol.id].includes(written[0]!.node.id));
    const reasons = (page.errors ?? []).map(
      (e) => e.extensions?.['reason'] ?? e.extensions?.['code'],
    );
    assert.deepEqual(reasons.sort(), ['FORBIDDEN', 'TOO_MANY_GENERATIONS'], 'bob: no consent');
  });

  it('answers MODEL_UNAVAILABLE (TIMEOUT) when the model does not answer in time', async () => {
    gemini.reply = () => ({ hang: true });
    const answer = await execute(gateway.url, AskCustomerDocument, {
      customerId: ada.id,
      question: 'Will they answer?',
    });
    assert.equal(answer.errors?.[0]?.extensions?.['code'], 'MODEL_UNAVAILABLE');
    assert.equal(answer.errors?.[0]?.extensions?.['reason'], 'TIMEOUT');
  });

  it('askProducts cites only products it found, and sends only those', async () => {
    const products = [
      { sku: `ESP-${tag}`, name: `Espresso machine ${tag}`, keywords: ['coffee'] },
      { sku: `TENT-${tag}`, name: `Hiking tent ${tag}`, keywords: ['camping'] },
    ];
    const stored = await execute(gateway.url, UpsertProductsDocument, {
      input: products.map((p) => ({ ...p, categories: [`c-${tag}`] })),
    });
    assert.equal(stored.errors, undefined, JSON.stringify(stored.errors));
    const espresso = stored.data!.upsertProducts.results[0]!.id!;
    await relayed(gateway.backends);
    gemini.reply = (request) =>
      modelAnswer({
        statements: [
          {
            text: 'The espresso machine suits coffee lovers.',
            citations: factLines(request.prompt)
              .map((f) => f.handle)
              .concat('F77'),
          },
        ],
      });
    const answer = await execute(gateway.url, AskProductsDocument, {
      question: `espresso coffee ${tag}`,
    });
    assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
    const found = answer.data!.askProducts.products.map((p) => p.product!.id);
    assert.ok(found.includes(espresso));
    assert.ok(
      answer.data!.askProducts.citations.every((c) => c.kind === 'PRODUCT' && found.includes(c.id)),
    );
    assert.ok(!gemini.generated.at(-1)!.prompt.includes('Hiking tent'));
  });

  it('askSegment checks and previews the proposed rule, saving nothing; a rule the engine refuses is INVALID_SEGMENT_RULE', async () => {
    const segments = async () =>
      (
        await gateway.backends.postgres.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM segments',
        )
      ).rows[0]!.n;
    const before = await segments();
    gemini.reply = () =>
      modelAnswer({
        rule: JSON.stringify({
          trait: { key: 'home', op: 'EQUALS', value: `Baker Street ${tag}` },
        }),
        explanation: 'Customers living at <i>Baker Street</i>.',
      });
    const answer = await execute(gateway.url, AskSegmentDocument, {
      question: 'customers living at Baker Street',
    });
    assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
    const suggestion = answer.data!.askSegment;
    assert.equal(suggestion.source, 'MODEL');
    assert.deepEqual(suggestion.rule, {
      trait: { key: 'home', op: 'EQUALS', value: `Baker Street ${tag}` },
    });
    assert.equal(suggestion.explanation, 'Customers living at Baker Street.');
    assert.equal(suggestion.preview!.size, 3);
    assert.deepEqual([...suggestion.preview!.sampleIds].sort(), [ada.id, bob.id, carol.id].sort());

    gemini.reply = () =>
      modelAnswer({
        rule: JSON.stringify({ trait: { key: 'plan', op: 'LIKE' } }),
        explanation: '',
      });
    const refused = await execute(gateway.url, AskSegmentDocument, { question: 'anything' });
    assert.equal(refused.errors?.[0]?.extensions?.['code'], 'INVALID_SEGMENT_RULE');

    // Well-typed, but two conditions in one node: the segment engine's own check refuses it.
    gemini.reply = () =>
      modelAnswer({
        rule: JSON.stringify({
          trait: { key: 'plan', op: 'EXISTS' },
          consent: { purpose: 'AI', granted: true },
        }),
        explanation: '',
      });
    const twoInOne = await execute(gateway.url, AskSegmentDocument, { question: 'anything' });
    assert.equal(twoInOne.errors?.[0]?.extensions?.['code'], 'INVALID_SEGMENT_RULE');
    assert.equal(twoInOne.errors?.[0]?.extensions?.['reason'], 'ONE_FIELD_PER_NODE');
    assert.equal(await segments(), before);
  });

  it('logs no prompt, question, answer or personal value', () => {
    const logs = logLines.join('\n');
    assert.ok(
      logLines.some((line) => line.includes('gemini')),
      'the model calls were logged',
    );
    for (const secret of [
      ada.name,
      ada.email,
      'Baker Street',
      'loyal',
      'What plan',
      'Trait plan',
      GEMINI_KEY,
    ]) {
      assert.ok(!logs.includes(secret), `the logs hold ${secret}`);
    }
  });
});
