import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import type { Client } from 'graphql-ws';

import { buildGatewaySchema } from '../../../src/schema.js';
import { createGatewayPubSub } from '../../../src/subscriptions/pubsub.js';
import { UpsertCustomerDocument } from '../../__generated__/graphql.js';
import { fuzzOperations, type FuzzOperation } from '../../support/fuzz-operations.js';
import { execute, wsClient } from '../../support/graphql-client.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

const OPERATIONS = 10_000;
const IN_PARALLEL = 8;

/** What a client must never see in an answer: stack frames and server paths. */
const LEAKS = [/\n\s+at /, /node_modules/, /\/dist\/src\//, /\.ts:\d+/];

interface Outcome {
  transport: 'http' | 'ws';
  status: number;
  text: string;
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function inBatches<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        await work(items[next++]!);
      }
    }),
  );
}

function overWs(client: Client, operation: FuzzOperation): Promise<string> {
  return new Promise((resolve) => {
    const results: unknown[] = [];
    client.subscribe(operation, {
      next: (result) => results.push(result),
      error: (error) => resolve(JSON.stringify({ errors: error })),
      complete: () => resolve(JSON.stringify(results)),
    });
  });
}

describe('schema-driven fuzzing', () => {
  let gateway: TestApp;
  let client: Client;
  const marker = `Fuzzy ${randomUUID()}`;

  before(async () => {
    gateway = await createTestApp({
      env: { NODE_ENV: 'production', RATE_LIMIT_PER_KEY_PER_MINUTE: '1000000' },
    });
    client = wsClient(gateway.url);
    await execute(gateway.url, UpsertCustomerDocument, {
      input: {
        displayName: marker,
        email: `fuzzy.${randomUUID()}@example.com`,
        traits: { surname: marker },
      },
    });
  });

  after(async () => {
    await client.dispose();
    await gateway.stop();
  });

  it(`answers ${OPERATIONS} generated operations over HTTP and graphql-ws without a 5xx, a stack trace or a personal value in an error`, async () => {
    const schema = await buildGatewaySchema(createGatewayPubSub(null));
    const operations = fuzzOperations(schema, OPERATIONS);
    const outcomes: Outcome[] = [];
    await inBatches([...operations.entries()], IN_PARALLEL, async ([i, operation]) => {
      if (i % 2 === 0) {
        const response = await fetch(gateway.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${gateway.apiKey}`,
          },
          body: JSON.stringify(operation),
        });
        outcomes.push({ transport: 'http', status: response.status, text: await response.text() });
      } else {
        outcomes.push({ transport: 'ws', status: 200, text: await overWs(client, operation) });
      }
    });

    assert.equal(outcomes.length, OPERATIONS);
    const serverErrors = outcomes.filter((o) => o.status >= 500);
    assert.deepEqual(serverErrors.slice(0, 3), [], `${serverErrors.length} answers were 5xx`);
    const leaking = outcomes.filter((o) => LEAKS.some((leak) => leak.test(o.text)));
    assert.deepEqual(leaking.slice(0, 3), [], `${leaking.length} answers leak internals`);
    const errorsWithPersonalData = outcomes.filter(
      (o) => o.text.includes('"errors"') && o.text.includes(marker),
    );
    assert.equal(errorsWithPersonalData.length, 0);
    const internal = outcomes.filter((o) => o.text.includes('INTERNAL_SERVER_ERROR'));
    assert.deepEqual(
      internal.slice(0, 3).map((o) => o.text.slice(0, 300)),
      [],
      `${internal.length} answers were internal errors`,
    );
  });
});
