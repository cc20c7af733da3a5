import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  AskCustomerDocument,
  AskSegmentDocument,
  CustomerSummaryDocument,
  EraseCustomerDocument,
  SetConsentDocument,
  TrackDocument,
  UpsertCustomerDocument,
} from '../../__generated__/graphql.js';
import { summaryKey } from '../../../src/modules/assistant/summary.cache.js';
import { execute } from '../../support/graphql-client.js';
import { relayed, seedCustomer } from '../../support/seed.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

/** Without GEMINI_API_KEY (the default): every answer is written by templates. */
describe('assistant without a model (templates)', () => {
  let gateway: TestApp;

  before(async () => {
    gateway = await createTestApp();
  });

  after(async () => {
    await gateway.stop();
  });

  /** A customer known by an e-mail identity, so that events can be tracked for them. */
  async function consentingCustomer(name: string) {
    const email = `${randomUUID()}@example.com`;
    const first = await execute(gateway.url, TrackDocument, {
      event: { messageId: randomUUID(), identity: { type: 'EMAIL', value: email }, type: 'PAGE' },
    });
    const id = first.data!.track.customerId!;
    const upserted = await execute(gateway.url, UpsertCustomerDocument, {
      input: { id, displayName: name, email, traits: { interests: ['jazz'] } },
    });
    assert.equal(upserted.errors, undefined, JSON.stringify(upserted.errors));
    const customer = { id, email };
    const consent = await execute(gateway.url, SetConsentDocument, {
      customerId: customer.id,
      purpose: 'AI',
      granted: true,
    });
    assert.equal(consent.errors, undefined, JSON.stringify(consent.errors));
    return customer;
  }

  async function track(
    customer: { id: string; email: string },
    type: 'PURCHASE' | 'VIEW',
    name: string,
  ) {
    const tracked = await execute(gateway.url, TrackDocument, {
      event: {
        messageId: randomUUID(),
        identity: { type: 'EMAIL', value: customer.email },
        type,
        name,
        properties: { plan: 'gold' },
      },
    });
    assert.equal(tracked.data?.track.customerId, customer.id, JSON.stringify(tracked));
  }

  it('Customer.summary is FORBIDDEN without AI consent, leaving the rest of the customer', async () => {
    const customer = await seedCustomer(gateway.url, 'No Consent', ['jazz']);
    const read = await execute(gateway.url, CustomerSummaryDocument, { id: customer.id });
    assert.equal(read.data?.customer?.id, customer.id);
    assert.equal(read.data?.customer?.summary, null);
    assert.equal(read.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
    assert.equal(read.errors?.[0]?.extensions?.['requiredConsent'], 'AI');

    await execute(gateway.url, SetConsentDocument, {
      customerId: customer.id,
      purpose: 'AI',
      granted: false,
    });
    const refused = await execute(gateway.url, CustomerSummaryDocument, { id: customer.id });
    assert.equal(refused.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
  });

  it('Customer.summary is written by templates, labelled, citing only the customer’s own facts', async () => {
    const customer = await consentingCustomer('Template Tess');
    await track(customer, 'PURCHASE', 'checkout');
    const read = await execute(gateway.url, CustomerSummaryDocument, { id: customer.id });
    assert.equal(read.errors, undefined, JSON.stringify(read.errors));
    const summary = read.data!.customer!.summary!;
    assert.equal(summary.source, 'TEMPLATE');
    assert.equal(summary.model, 'template:v1');
    assert.match(summary.text, /Profile: Name: Template Tess; .*Trait interests: \["jazz"\]/);
    assert.match(summary.text, /Recent activity: .*Event page on/);
    assert.match(summary.text, /Event purchase "checkout"/);
    assert.match(summary.text, /Consent for ai: granted/);
    assert.ok(summary.statements.every((s) => s.citations.length > 0));
    const kinds = new Set(summary.citations.map((c) => c.kind));
    assert.deepEqual([...kinds].sort(), ['CONSENT', 'EVENT', 'IDENTITY', 'PROFILE']);
    assert.ok(
      summary.citations.filter((c) => c.kind === 'PROFILE').every((c) => c.id === customer.id),
    );
  });

  it('caches a summary by data version: the same data reads the cached one, new data a new one', async () => {
    const customer = await consentingCustomer('Cached Carl');
    const first = await execute(gateway.url, CustomerSummaryDocument, { id: customer.id });
    const again = await execute(gateway.url, CustomerSummaryDocument, { id: customer.id });
    assert.equal(
      again.data!.customer!.summary!.generatedAt,
      first.data!.customer!.summary!.generatedAt,
    );
    assert.equal(await gateway.backends.redis!.commands.hlen(summaryKey(customer.id)), 1);

    await track(customer, 'VIEW', 'landing');
    const changed = await execute(gateway.url, CustomerSummaryDocument, { id: customer.id });
    assert.match(changed.data!.customer!.summary!.text, /Event view "landing"/);
    assert.equal(await gateway.backends.redis!.commands.hlen(summaryKey(customer.id)), 2);
  });

  it('Query.ask answers from the facts sharing words with the question, with citations', async () => {
    const customer = await consentingCustomer('Asked Ann');
    await track(customer, 'PURCHASE', 'checkout');
    const answer = await execute(gateway.url, AskCustomerDocument, {
      customerId: customer.id,
      question: 'Which purchases did they make?',
    });
    assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
    assert.equal(answer.data!.ask.source, 'TEMPLATE');
    assert.match(answer.data!.ask.text, /^From the data: Event purchase "checkout"/);
    assert.equal(answer.data!.ask.citations[0]!.kind, 'EVENT');

    const unanswered = await execute(gateway.url, AskCustomerDocument, {
      customerId: customer.id,
      question: 'zzz?',
    });
    assert.equal(unanswered.data!.ask.text, "The customer's data does not answer this question.");
    assert.deepEqual(unanswered.data!.ask.citations, []);
  });

  it('Query.ask refuses a question over the limit, an empty one and an unknown customer, with stable codes', async () => {
    const customer = await consentingCustomer('Limits Lou');
    const long = await execute(gateway.url, AskCustomerDocument, {
      customerId: customer.id,
      question: 'x'.repeat(gateway.config.assistant.maxQuestionLength + 1),
    });
    assert.equal(long.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
    assert.equal(long.errors?.[0]?.extensions?.['reason'], 'TOO_LONG');
    assert.equal(long.errors?.[0]?.extensions?.['argument'], 'question');

    const empty = await execute(gateway.url, AskCustomerDocument, {
      customerId: customer.id,
      question: '   ',
    });
    assert.equal(empty.errors?.[0]?.extensions?.['reason'], 'EMPTY');

    const unknown = await execute(gateway.url, AskCustomerDocument, {
      customerId: randomUUID(),
      question: 'Who is this?',
    });
    assert.equal(unknown.errors?.[0]?.extensions?.['code'], 'NOT_FOUND');

    const notAnId = await execute(gateway.url, AskCustomerDocument, {
      customerId: 'nobody',
      question: 'Who is this?',
    });
    assert.equal(notAnId.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
  });

  it('Query.askSegment reads common phrasings by template, previews the rule and saves nothing', async () => {
    const buyer = await consentingCustomer('Phrase Phil');
    await track(buyer, 'PURCHASE', 'checkout');
    await track(buyer, 'PURCHASE', 'checkout');
    const answer = await execute(gateway.url, AskSegmentDocument, {
      question: 'Customers who bought at least 2 times in the last 30 days and consented to AI',
    });
    assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
    const suggestion = answer.data!.askSegment;
    assert.equal(suggestion.source, 'TEMPLATE');
    assert.match(suggestion.explanation, /^Read by the templates as: at least 2 purchase events/);
    assert.deepEqual(suggestion.preview!.sampleIds, [buyer.id]);
    const saved = await gateway.backends.postgres.query('SELECT 1 FROM segments');
    assert.equal(saved.rowCount, 0);
  });

  it('Query.askSegment proposes no rule for a description the templates do not understand', async () => {
    const answer = await execute(gateway.url, AskSegmentDocument, {
      question: 'customers who love jazz',
    });
    assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
    assert.equal(answer.data!.askSegment.rule, null);
    assert.equal(answer.data!.askSegment.preview, null);
    assert.equal(answer.data!.askSegment.source, 'TEMPLATE');
    assert.match(answer.data!.askSegment.explanation, /needs a language model/);
  });

  it('withdrawn AI consent forgets the customer’s cached summaries', async () => {
    const customer = await consentingCustomer('Withdrawn Will');
    await execute(gateway.url, CustomerSummaryDocument, { id: customer.id });
    const redis = gateway.backends.redis!.commands;
    assert.equal(await redis.exists(summaryKey(customer.id)), 1);

    await execute(gateway.url, SetConsentDocument, {
      customerId: customer.id,
      purpose: 'AI',
      granted: false,
    });
    await relayed(gateway.backends);
    assert.equal(await redis.exists(summaryKey(customer.id)), 0);
  });

  it('erasure forgets the customer’s cached summaries', async () => {
    const customer = await consentingCustomer('Erased Eve');
    await execute(gateway.url, CustomerSummaryDocument, { id: customer.id });
    const redis = gateway.backends.redis!.commands;
    assert.equal(await redis.exists(summaryKey(customer.id)), 1);

    const erased = await execute(gateway.url, EraseCustomerDocument, { id: customer.id });
    assert.equal(erased.errors, undefined, JSON.stringify(erased.errors));
    await relayed(gateway.backends);
    assert.equal(await redis.exists(summaryKey(customer.id)), 0);
  });
});
