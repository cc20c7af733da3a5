import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import type { Client } from 'graphql-ws';

import {
  CustomerRelationshipsDocument,
  CustomerUpdatedDocument,
  UpsertCustomerDocument,
} from '../../__generated__/graphql.js';
import { actUntilEvent, execute, subscribe, wsClient } from '../../support/graphql-client.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { until } from '../../support/until.js';

const TOKEN = 'metrics-token-for-tests-0123456789abcdef';
const MAX_OPERATION_NAMES = 4;
const PER_KEY_PER_MINUTE = 120;

/** One sample of the exposition text: its name, labels and value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

async function scrape(gateway: TestApp): Promise<Sample[]> {
  const response = await fetch(`${gateway.baseUrl}/metrics`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  assert.equal(response.status, 200);
  return parseExposition(await response.text());
}

function parseExposition(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([\w:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
      assert.ok(match, `a sample line: ${line}`);
      const labels = Object.fromEntries(
        [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]),
      );
      return { name: match[1]!, labels, value: Number(match[3]) };
    });
}

/** The sum of the samples named `name` whose labels include `labels` (0 when none). */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

async function post(gateway: TestApp, body: object, apiKey = gateway.apiKey) {
  return fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify(body),
  });
}

describe('Prometheus metrics', () => {
  let gateway: TestApp;

  before(async () => {
    gateway = await createTestApp({
      env: {
        METRICS_TOKEN: TOKEN,
        METRICS_MAX_OPERATION_NAMES: String(MAX_OPERATION_NAMES),
        RATE_LIMIT_PER_KEY_PER_MINUTE: String(PER_KEY_PER_MINUTE),
      },
    });
  });

  after(async () => {
    await gateway.stop();
  });

  it('GET /metrics answers only the metrics token, never an API key', async () => {
    const bare = await fetch(`${gateway.baseUrl}/metrics`);
    const apiKey = await fetch(`${gateway.baseUrl}/metrics`, {
      headers: { authorization: `Bearer ${gateway.apiKey}` },
    });
    const token = await fetch(`${gateway.baseUrl}/metrics`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });

    assert.equal(bare.status, 401);
    assert.equal(apiKey.status, 401);
    assert.equal(token.status, 200);
    assert.match(token.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  });

  it('serves pool, outbox, read-model and process series from the first scrape', async () => {
    const samples = await scrape(gateway);

    assert.equal(valueOf(samples, 'c360_postgres_pool_max'), gateway.config.postgres.poolMax);
    for (const name of [
      'c360_postgres_pool_connections',
      'c360_postgres_pool_waiting',
      'c360_outbox_backlog_messages',
      'c360_outbox_lag_seconds',
      'c360_read_model_documents',
      'c360_read_model_dirty_documents',
      'c360_read_model_lag_seconds',
      'c360_read_model_cache_documents',
      'c360_read_model_cache_bytes',
      'c360_subscriptions_open',
      'process_cpu_user_seconds_total',
      'nodejs_eventloop_lag_seconds',
    ]) {
      assert.ok(
        samples.some((s) => s.name === name),
        `${name} is served`,
      );
    }
    assert.ok(
      samples.some((s) => s.name === 'c360_store_errors_total' && s.labels['store'] === 'neo4j'),
      'error counters exist at zero before any error',
    );
    for (const lane of ['main', 'segments']) {
      assert.ok(
        samples.some((s) => s.name === 'c360_outbox_lag_seconds' && s.labels['lane'] === lane),
        `the ${lane} lane's lag is served`,
      );
    }
  });

  it('a named mutation and query move their request series and the stores they used', async () => {
    const before = await scrape(gateway);
    const id = randomUUID();

    const upserted = await execute(gateway.url, UpsertCustomerDocument, {
      input: { id, displayName: 'Metrics Probe' },
    });
    await gateway.app.catchUp(20_000);
    const read = await execute(gateway.url, CustomerRelationshipsDocument, { id, depth: 1 });
    const after = await scrape(gateway);

    assert.equal(upserted.errors, undefined);
    assert.equal(read.errors, undefined);
    const count = 'c360_graphql_request_duration_seconds_count';
    for (const operation of ['UpsertCustomer', 'CustomerRelationships']) {
      assert.equal(
        valueOf(after, count, { operation, outcome: 'ok' }) -
          valueOf(before, count, { operation, outcome: 'ok' }),
        1,
        `one ${operation}`,
      );
    }
    const stores = 'c360_store_call_duration_seconds_count';
    for (const store of ['postgres', 'neo4j', 'redis']) {
      assert.ok(
        valueOf(after, stores, { store }) > valueOf(before, stores, { store }),
        `${store} calls counted`,
      );
    }
    assert.equal(
      valueOf(after, 'c360_outbox_backlog_messages'),
      0,
      'the relay caught up before the scrape',
    );
  });

  it('labels failed and anonymous operations without their names, and caps distinct names', async () => {
    const before = await scrape(gateway);
    const count = 'c360_graphql_request_duration_seconds_count';

    const broken = await post(gateway, {
      query: 'query Invented { nope',
      operationName: 'Invented',
    });
    const anonymous = await post(gateway, { query: '{ __typename }' });
    for (let i = 0; i < MAX_OPERATION_NAMES + 2; i += 1) {
      await post(gateway, { query: `query Name${i} { __typename }` });
    }
    const after = await scrape(gateway);

    assert.equal(broken.status, 400);
    assert.equal(anonymous.status, 200);
    assert.equal(
      valueOf(after, count, { operation: '(unresolved)', outcome: 'error' }) -
        valueOf(before, count, { operation: '(unresolved)', outcome: 'error' }),
      1,
    );
    assert.equal(
      valueOf(after, count, { operation: '(anonymous)', outcome: 'ok' }) -
        valueOf(before, count, { operation: '(anonymous)', outcome: 'ok' }),
      1,
    );
    const names = new Set(after.filter((s) => s.name === count).map((s) => s.labels['operation']!));
    assert.ok(!names.has('Invented'), 'an unparsed name is never a label');
    const plain = [...names].filter((name) => !name.startsWith('('));
    assert.equal(plain.length, MAX_OPERATION_NAMES, `names kept: ${plain.join(', ')}`);
    assert.ok(
      valueOf(after, count, { operation: '(other)' }) -
        valueOf(before, count, { operation: '(other)' }) >=
        2,
    );
  });

  describe('subscriptions', () => {
    let client: Client;

    before(() => {
      client = wsClient(gateway.url);
    });

    after(async () => {
      await client.dispose();
    });

    it('counts a subscription while it is open and each message it is sent', async () => {
      const id = randomUUID();
      await execute(gateway.url, UpsertCustomerDocument, { input: { id, displayName: 'Sub 0' } });
      const before = await scrape(gateway);
      const opened = valueOf(before, 'c360_subscriptions_open');

      const subscription = subscribe(client, CustomerUpdatedDocument, { id });
      let n = 0;
      await actUntilEvent(subscription, () =>
        execute(gateway.url, UpsertCustomerDocument, {
          input: { id, displayName: `Sub ${++n}` },
        }),
      );
      const during = await scrape(gateway);
      subscription.unsubscribe();

      assert.equal(valueOf(during, 'c360_subscriptions_open'), opened + 1);
      assert.ok(
        valueOf(during, 'c360_subscription_messages_total') >
          valueOf(before, 'c360_subscription_messages_total'),
      );
      const settled = await until(
        async () => valueOf(await scrape(gateway), 'c360_subscriptions_open'),
        (open) => open === opened,
        10_000,
      );
      assert.equal(settled, opened, 'the gauge falls back once the client completes');
    });
  });

  it('counts the operations a rate limit refused, by limit', async () => {
    const before = await scrape(gateway);

    let refused = 0;
    for (let i = 0; i <= 2 * PER_KEY_PER_MINUTE && refused === 0; i += 1) {
      const response = await post(gateway, { query: '{ __typename }' });
      if (response.status === 429) {
        refused += 1;
      }
    }
    const after = await scrape(gateway);

    assert.equal(refused, 1);
    assert.equal(
      valueOf(after, 'c360_rate_limit_refusals_total', { limit: 'per_key' }) -
        valueOf(before, 'c360_rate_limit_refusals_total', { limit: 'per_key' }),
      1,
    );
  });
});
