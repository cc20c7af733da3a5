import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { createTestApp, type TestApp } from '../../support/test-app.js';

const INTROSPECTION = JSON.stringify({ query: '{ __schema { queryType { name } } }' });

describe('HTTP surface', () => {
  let dev: TestApp;
  let prod: TestApp;

  before(async () => {
    dev = await createTestApp();
    prod = await createTestApp({ env: { NODE_ENV: 'production' } });
  });

  after(async () => {
    await dev.stop();
    await prod.stop();
  });

  it('GET /healthz answers while the process is alive', async () => {
    const response = await fetch(`${dev.baseUrl}/healthz`);

    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: 'ok' });
  });

  it('GET /readyz reports each store and what it runs on', async () => {
    const response = await fetch(`${dev.baseUrl}/readyz`);
    const body = (await response.json()) as {
      status: string;
      stores: Record<string, { status: string; backend: string }>;
    };

    assert.equal(response.status, 200);
    assert.equal(body.status, 'ready');
    assert.deepEqual(Object.keys(body.stores).sort(), ['neo4j', 'postgres', 'redis']);
    assert.match(body.stores['postgres']!.backend, /^postgresql /);
    assert.match(body.stores['neo4j']!.backend, /^neo4j bolt:/);
    assert.match(body.stores['redis']!.backend, /^redis redis:/);
    assert.ok(Object.values(body.stores).every((store) => store.status === 'up'));
  });

  it('serves the Apollo Sandbox landing page to a browser in development', async () => {
    const response = await fetch(dev.url, { headers: { accept: 'text/html' } });

    assert.equal(response.status, 200);
    assert.match(await response.text(), /apollo/i);
  });

  it('refuses introspection and shows no landing page in production', async () => {
    const page = await fetch(prod.url, { headers: { accept: 'text/html' } });
    assert.doesNotMatch(await page.text(), /sandbox/i);

    const response = await fetch(prod.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: INTROSPECTION,
    });
    const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
    assert.equal(body.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
  });

  it('hides field suggestions in production', async () => {
    const response = await fetch(prod.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ customerz(first: 1) { id } }' }),
    });
    const body = (await response.json()) as { errors?: { message: string }[] };

    assert.ok(body.errors?.length);
    assert.doesNotMatch(body.errors![0]!.message, /Did you mean/);
  });

  it('rejects a query nested deeper than the limit', async () => {
    const deep =
      '{ customers(first: 1) { edges { node { family { customer { family { customer { family { customer { family { customer { id } } } } } } } } } } } }';
    const response = await fetch(dev.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: deep }),
    });
    const body = (await response.json()) as {
      errors?: { message: string; extensions?: { code?: string } }[];
    };

    assert.equal(body.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
    assert.match(body.errors![0]!.message, /depth/i);
  });

  it('answers a subscription sent over HTTP with 400 and a code naming graphql-ws', async () => {
    const response = await fetch(dev.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${dev.apiKey}` },
      body: JSON.stringify({
        query: 'subscription Watch($id: ID) { customerUpdated(id: $id) { customerId updatedAt } }',
      }),
    });
    const body = (await response.json()) as {
      data?: unknown;
      errors?: { message: string; extensions?: { code?: string } }[];
    };

    assert.equal(response.status, 400);
    assert.equal(body.data, undefined);
    assert.equal(body.errors?.[0]?.extensions?.code, 'SUBSCRIPTION_NEEDS_GRAPHQL_WS');
    assert.match(body.errors![0]!.message, /graphql-ws/);
  });

  it('refuses an operation over the cost limit with its reason, limit and cost', async () => {
    // Each level spreads the one below three times: 3^6 copies of a few fields.
    const levels = Array.from(
      { length: 6 },
      (_, i) => `fragment L${i + 1} on Customer { ...L${i} ...L${i} ...L${i} }`,
    ).join(' ');
    const query = `{ customers(first: 1) { edges { node { ...L6 } } } } fragment L0 on Customer { id displayName createdAt updatedAt } ${levels}`;
    const response = await fetch(dev.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${dev.apiKey}` },
      body: JSON.stringify({ query }),
    });
    const body = (await response.json()) as {
      errors?: { message: string; extensions?: Record<string, unknown> }[];
    };

    assert.equal(response.status, 400);
    const [error] = body.errors ?? [];
    assert.equal(error?.extensions?.['code'], 'GRAPHQL_VALIDATION_FAILED');
    assert.equal(error.extensions['reason'], 'COST_LIMIT_EXCEEDED');
    assert.equal(error.extensions['maxCost'], dev.config.http.maxCost);
    assert.ok(Number(error.extensions['cost']) > dev.config.http.maxCost);
    assert.doesNotMatch(error.message, /Syntax Error/);
    assert.match(error.message, /too expensive/);
  });

  it('suggests field names outside production', async () => {
    const response = await fetch(dev.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${dev.apiKey}` },
      body: JSON.stringify({ query: '{ customerz(first: 1) { id } }' }),
    });
    const body = (await response.json()) as { errors?: { message: string }[] };

    assert.match(body.errors?.[0]?.message ?? '', /Did you mean .*"customers"/);
  });

  it('answers a query with a syntax error with 400 and GRAPHQL_PARSE_FAILED', async () => {
    const response = await fetch(dev.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${dev.apiKey}` },
      body: JSON.stringify({ query: '{' }),
    });
    const body = (await response.json()) as {
      errors?: { message: string; extensions?: { code?: string } }[];
    };

    assert.equal(response.status, 400);
    assert.equal(body.errors?.[0]?.extensions?.code, 'GRAPHQL_PARSE_FAILED');
    assert.match(body.errors![0]!.message, /Syntax Error/);
  });

  it('rejects a query with more tokens than the limit as a parse failure', async () => {
    const aliases = Array.from({ length: 600 }, (_, i) => `a${i}: __typename`).join(' ');
    const response = await fetch(dev.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${dev.apiKey}` },
      body: JSON.stringify({ query: `{ ${aliases} }` }),
    });
    const body = (await response.json()) as {
      errors?: { message: string; extensions?: { code?: string } }[];
    };

    assert.equal(response.status, 400);
    assert.equal(body.errors?.[0]?.extensions?.code, 'GRAPHQL_PARSE_FAILED');
    assert.match(body.errors![0]!.message, /tokens/);
  });

  it('rejects a mutation sent over GET', async () => {
    const query = encodeURIComponent(
      'mutation { upsertCustomer(input: { displayName: "x" }) { id } }',
    );
    const response = await fetch(`${dev.url}?query=${query}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });

    assert.equal(response.status, 405);
  });
});
