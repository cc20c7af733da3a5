import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import type { Client } from 'graphql-ws';

import { CustomerProfileDocument, UpsertCustomerDocument } from '../../__generated__/graphql.js';
import { execute, wsClient } from '../../support/graphql-client.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

interface Answer {
  data?: unknown;
  errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
}

/** Runs one operation over graphql-ws and resolves with its result or its error message. */
function overWs(client: Client, query: string, variables?: Record<string, unknown>) {
  return new Promise<Answer>((resolve) => {
    let answer: Answer = {};
    client.subscribe(
      { query, ...(variables ? { variables } : {}) },
      {
        next: (result) => {
          answer = result as Answer;
        },
        error: (error) => resolve({ errors: error as NonNullable<Answer['errors']> }),
        complete: () => resolve(answer),
      },
    );
  });
}

const codesOf = (answer: Answer) => [...new Set(answer.errors?.map((e) => e.extensions?.['code']))];

/** Deeply nested braces, as an attacker would send in a JSON literal or variable. */
const nested = (depth: number) => {
  let value: Record<string, unknown> = { leaf: true };
  for (let i = 0; i < depth; i += 1) {
    value = { a: value };
  }
  return value;
};

describe('one hardening for HTTP and graphql-ws', () => {
  let prod: TestApp;
  let client: Client;

  before(async () => {
    prod = await createTestApp({ env: { NODE_ENV: 'production' } });
    client = wsClient(prod.url);
  });

  after(async () => {
    await client.dispose();
    await prod.stop();
  });

  it('refuses introspection over graphql-ws in production, as over HTTP', async () => {
    const answer = await overWs(client, '{ __schema { queryType { name } } }');

    assert.deepEqual(codesOf(answer), ['GRAPHQL_VALIDATION_FAILED']);
  });

  it('hides "Did you mean" suggestions over graphql-ws in production', async () => {
    const answer = await overWs(client, '{ customrs(first: 1) { edges { cursor } } }');

    assert.deepEqual(codesOf(answer), ['GRAPHQL_VALIDATION_FAILED']);
    assert.ok(!JSON.stringify(answer).includes('Did you mean'), JSON.stringify(answer));
  });

  it('answers an operation over the token limit with an error for its own id, and the socket lives on', async () => {
    const long = `{ ${Array.from({ length: 600 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    const deep = `{ customers(first: 1, filter: { traits: ${'{ a: '.repeat(3000)}1${' }'.repeat(3000)} }) { edges { cursor } } }`;

    assert.deepEqual(codesOf(await overWs(client, long)), ['GRAPHQL_PARSE_FAILED']);
    assert.deepEqual(codesOf(await overWs(client, deep)), ['GRAPHQL_PARSE_FAILED']);
    const after = await overWs(client, '{ __typename }');
    assert.deepEqual(after.data, { __typename: 'Query' }, 'the same socket still answers');
  });

  it('refuses an operation over the depth or cost limit over graphql-ws, as over HTTP', async () => {
    const deep =
      '{ customers(first: 1) { edges { node { family { customer { family { customer { family { customer { family { customer { id } } } } } } } } } } } }';
    const levels = Array.from(
      { length: 6 },
      (_, i) => `fragment L${i + 1} on Customer { ...L${i} ...L${i} ...L${i} }`,
    ).join(' ');
    const costly = `{ customers(first: 1) { edges { node { ...L6 } } } } fragment L0 on Customer { id displayName createdAt updatedAt } ${levels}`;

    const tooDeep = await overWs(client, deep);
    assert.deepEqual(codesOf(tooDeep), ['GRAPHQL_VALIDATION_FAILED']);
    assert.match(tooDeep.errors![0]!.message, /depth/i);
    const tooCostly = await overWs(client, costly);
    assert.deepEqual(codesOf(tooCostly), ['GRAPHQL_VALIDATION_FAILED']);
    assert.equal(tooCostly.errors![0]!.extensions?.['reason'], 'COST_LIMIT_EXCEEDED');
    assert.deepEqual(
      (await overWs(client, '{ __typename }')).data,
      { __typename: 'Query' },
      'the same socket still answers',
    );
  });

  it('answers malformed or oversized bodies with JSON errors, never an HTML page', async () => {
    const post = (body: string) =>
      fetch(prod.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${prod.apiKey}` },
        body,
      });

    const malformed = await post('{"query": ');
    const oversized = await post(
      JSON.stringify({ query: '{ __typename }', pad: 'x'.repeat(1_100_000) }),
    );

    for (const [response, status] of [
      [malformed, 400],
      [oversized, 413],
    ] as const) {
      assert.equal(response.status, status);
      assert.match(response.headers.get('content-type') ?? '', /application\/json/);
      const text = await response.text();
      assert.ok(!/<html|at \/|node_modules/i.test(text), text);
      assert.equal((JSON.parse(text) as Answer).errors?.[0]?.extensions?.['code'], 'BAD_REQUEST');
    }
  });

  it('refuses deeply nested traits, NUL characters and out-of-range cursors as BAD_USER_INPUT, storing nothing', async () => {
    const id = randomUUID();
    const deep = await execute(prod.url, UpsertCustomerDocument, {
      input: { id, displayName: 'Deep', traits: nested(3000) },
    });
    const nul = await execute(prod.url, UpsertCustomerDocument, {
      input: { id, displayName: 'Nul\u0000Byte', traits: {} },
    });
    const cursor = Buffer.from(JSON.stringify(['CREATED_DESC', '9'.repeat(40), id])).toString(
      'base64url',
    );
    const page = await fetch(prod.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${prod.apiKey}` },
      body: JSON.stringify({
        query: 'query ($after: String) { customers(first: 1, after: $after) { edges { cursor } } }',
        variables: { after: cursor },
      }),
    });

    assert.equal(deep.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
    assert.equal(nul.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
    assert.equal(
      ((await page.json()) as Answer).errors?.[0]?.extensions?.['code'],
      'BAD_USER_INPUT',
    );
    const stored = await execute(prod.url, CustomerProfileDocument, { id });
    assert.equal(stored.data?.customer, null, 'nothing was stored');
  });
});
