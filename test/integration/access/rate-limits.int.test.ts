import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';

import pg from 'pg';

import { CreateApiKeyDocument, UpsertCustomerDocument } from '../../__generated__/graphql.js';
import { lockWaiters } from '../../support/database.js';
import { execute, wsClient } from '../../support/graphql-client.js';
import { until } from '../../support/until.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

const QUERY = JSON.stringify({ query: '{ __typename }' });
const METRICS_TOKEN = 'metrics-token-for-rate-limit-tests-0123456789';

/** POSTs `body` with `key`, returning status, Retry-After and the first error code. */
async function post(url: string, key: string, body = QUERY) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body,
  });
  const json = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    code: json.errors?.[0]?.extensions?.code,
  };
}

describe('rate limits and bulkheads', () => {
  let gateway: TestApp;
  const newKey = async () =>
    (
      await execute(gateway.url, CreateApiKeyDocument, {
        name: 'limited',
        scopes: ['READ', 'WRITE'],
      })
    ).data!.createApiKey.key;

  before(async () => {
    gateway = await createTestApp({
      env: {
        RATE_LIMIT_PER_KEY_PER_MINUTE: '5',
        KEY_MAX_CONCURRENT_OPERATIONS: '1',
        // Counted in this process, so other test files' failures from 127.0.0.1 do not count.
        REDIS_URL: '',
        RATE_LIMIT_FAILED_AUTH_PER_MINUTE: '3',
        METRICS_TOKEN,
      },
    });
  });

  after(async () => {
    await gateway.stop();
  });

  it('answers 429 with Retry-After once a key has used its operations, and only that key', async () => {
    const [noisy, quiet] = [await newKey(), await newKey()];

    const answers = [];
    for (let i = 0; i < 6; i += 1) {
      answers.push(await post(gateway.url, noisy));
    }

    assert.deepEqual(
      answers.map((a) => a.status),
      [200, 200, 200, 200, 200, 429],
    );
    assert.equal(answers[5]!.code, 'RATE_LIMITED');
    assert.ok(Number(answers[5]!.retryAfter) >= 1);
    assert.equal((await post(gateway.url, quiet)).status, 200, 'another key is not affected');
  });

  it('counts graphql-ws operations against the same per-key budget, refusing the excess with RATE_LIMITED', async () => {
    const key = await newKey();
    const client = wsClient(gateway.url, { apiKey: key });
    const run = () =>
      new Promise<string | undefined>((resolve) => {
        client.subscribe(
          { query: '{ __typename }' },
          {
            next: () => undefined,
            error: (errors) =>
              resolve((errors as { extensions?: { code?: string } }[])[0]?.extensions?.code),
            complete: () => resolve(undefined),
          },
        );
      });
    try {
      const codes = [];
      for (let i = 0; i < 6; i += 1) {
        codes.push(await run());
      }

      assert.deepEqual(codes, [
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        'RATE_LIMITED',
      ]);
    } finally {
      await client.dispose();
    }
  });

  it('frees the place of an operation whose client went away while it was being admitted', async () => {
    const key = await newKey();
    // Its first use looks the key up in PostgreSQL (an UPDATE of its row): held here, so that
    // the client goes away while admission waits for it.
    const holder = new pg.Client({ connectionString: gateway.database.url });
    await holder.connect();
    const gone = new Promise<void>((resolve) =>
      gateway.app.httpServer.once('connection', (socket) => socket.once('close', resolve)),
    );
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM api_keys WHERE prefix = $1 FOR UPDATE', [
        key.split('_').slice(0, 2).join('_'),
      ]);
      const request = http.request(gateway.url, {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      });
      request.on('error', () => undefined);
      request.end(JSON.stringify({ query: 'query Abandoned { __typename }' }));
      await until(
        () => lockWaiters(gateway.database.url),
        (n) => n > 0,
        10_000,
      );
      request.destroy();
      await gone;
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    // Admitted once the lookup returns: the operation runs, for nobody, and is counted.
    await until(
      () => abandonedOperations(gateway),
      (n) => n === 1,
      10_000,
    );
    assert.equal((await post(gateway.url, key)).status, 200, 'its place (the only one) is free');
  });

  it('refuses an address after too many failed authentications, even with a valid key', async () => {
    const valid = await newKey();
    const guesses = [];
    for (let i = 0; i < 4; i += 1) {
      guesses.push((await post(gateway.url, `c360_00000000_${randomUUID()}`)).status);
    }

    assert.deepEqual(guesses, [200, 200, 200, 429]);
    const afterwards = await post(gateway.url, valid);
    assert.equal(afterwards.status, 429);
    assert.equal(afterwards.code, 'RATE_LIMITED');
  });
});

describe('a saturated gateway', () => {
  let gateway: TestApp;
  let holder: pg.Client;
  let held: string;

  before(async () => {
    gateway = await createTestApp({
      env: { DATABASE_POOL_MAX: '1', DATABASE_CONNECT_TIMEOUT_MS: '300' },
    });
    held = randomUUID();
    await execute(gateway.url, UpsertCustomerDocument, {
      input: { id: held, displayName: 'Held', traits: {} },
    });
    holder = new pg.Client({ connectionString: gateway.database.url });
    await holder.connect();
  });

  after(async () => {
    await holder.end();
    await gateway.stop();
  });

  it('answers 503 OVERLOADED with Retry-After while every connection is busy, and /readyz says saturated', async () => {
    // The gateway's only pooled connection waits on this row lock.
    await holder.query('BEGIN');
    await holder.query('SELECT id FROM customers WHERE id = $1 FOR UPDATE', [held]);
    const blocked = execute(gateway.url, UpsertCustomerDocument, {
      input: { id: held, displayName: 'Held again', traits: {} },
    });
    await until(
      () => lockWaiters(gateway.database.url),
      (n) => n === 1,
      10_000,
    );

    const busy = await post(
      gateway.url,
      gateway.apiKey,
      JSON.stringify({ query: '{ customers(first: 1) { edges { cursor } } }' }),
    );
    const ready = await fetch(`${gateway.baseUrl}/readyz`);
    const readiness = (await ready.json()) as { stores: { postgres: { status: string } } };
    await holder.query('COMMIT');

    assert.equal(busy.status, 503);
    assert.equal(busy.code, 'OVERLOADED');
    assert.equal(busy.retryAfter, '1');
    assert.equal(ready.status, 503);
    assert.equal(readiness.stores.postgres.status, 'saturated');
    assert.equal((await blocked).errors, undefined, 'the waiting write finishes once released');
  });
});

/** How many `Abandoned` operations the gateway's metrics counted. */
async function abandonedOperations(gateway: TestApp): Promise<number> {
  const response = await fetch(`${gateway.baseUrl}/metrics`, {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  const counted = (await response.text())
    .split('\n')
    .filter((line) =>
      line.startsWith('c360_graphql_request_duration_seconds_count{operation="Abandoned"'),
    );
  return counted.reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}
