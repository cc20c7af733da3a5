import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { seedCustomer, seedFamily, type SeededCustomer } from '../../support/seed.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

interface Answer {
  status: number;
  body: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; path?: unknown; extensions?: { code?: string } }[];
  };
}

/** The same customer, every field kind the 360 view uses, in the shapes clients write. */
const PROFILE = /* GraphQL */ `
  query Profile($id: ID!, $similar: Int! = 3, $withFamily: Boolean!, $events: Int! = 1) {
    customer(id: $id) {
      __typename
      ...Names
      email
      traits
      identities {
        type
        value
      }
      consent {
        purpose
        granted
      }
      recent: events(first: 5) {
        edges {
          node {
            type
            occurredAt
            properties
          }
        }
      }
      purchases: events(first: $events, types: [PURCHASE]) {
        edges {
          node {
            type
          }
        }
      }
      family @include(if: $withFamily) {
        relation
        customer {
          ...Names
        }
      }
      household @skip(if: $withFamily) {
        size
      }
      similarCustomers(first: $similar) {
        customer {
          id
        }
      }
    }
    node(id: $id) {
      ... on Customer {
        displayName
      }
    }
  }
  fragment Names on Customer {
    id
    displayName
  }
`;

/**
 * GRAPHQL_JIT=on (the default) compiles operations with graphql-jit; off runs graphql-js. Both
 * gateways share one database, so every operation must get the same answer from each, byte
 * for byte: data, masking, error codes, messages, paths and HTTP statuses.
 */
describe('compiled execution (GRAPHQL_JIT)', () => {
  let compiled: TestApp;
  let interpreted: TestApp;
  let ann: SeededCustomer;
  let ben: SeededCustomer;
  let readOnlyKey: string;

  const post = async (
    gateway: TestApp,
    query: string,
    variables: Record<string, unknown>,
    key: string,
    operationName?: string,
  ): Promise<Answer> => {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables, operationName }),
    });
    return { status: response.status, body: (await response.json()) as Answer['body'] };
  };

  /** Both gateways' answer, checked to be the same. */
  const answer = async (
    query: string,
    variables: Record<string, unknown> = {},
    key = compiled.apiKey,
    operationName?: string,
  ): Promise<Answer> => {
    const [fromCompiled, fromInterpreted] = await Promise.all([
      post(compiled, query, variables, key, operationName),
      post(interpreted, query, variables, key, operationName),
    ]);
    assert.deepEqual(fromCompiled, fromInterpreted);
    return fromCompiled;
  };

  before(async () => {
    // As deployed: in production Apollo plugins rewrite error messages (graphql-armor hides
    // "Did you mean" hints), which graphql-jit's own errors would not allow.
    compiled = await createTestApp({ env: { NODE_ENV: 'production' } });
    interpreted = await createTestApp({
      database: compiled.database,
      env: { NODE_ENV: 'production', GRAPHQL_JIT: 'off' },
    });
    ann = { id: randomUUID(), displayName: 'Ann Compiled' };
    const email = `${ann.id}@example.com`;
    const upserted = await post(
      compiled,
      `mutation Upsert($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { id } }`,
      {
        input: {
          ...ann,
          email,
          traits: { interests: ['yoga'], city: 'Lyon' },
          identities: [{ type: 'EMAIL', value: email }],
        },
      },
      compiled.apiKey,
    );
    assert.deepEqual(upserted.body.data, { upsertCustomer: { id: ann.id } });
    ben = await seedCustomer(compiled.url, 'Ben Compiled', ['chess']);
    await seedFamily(compiled, [{ type: 'SPOUSE_OF', from: ann, to: ben }]);
    const tracked = await post(
      compiled,
      `mutation Track($event: TrackEventInput!) { track(event: $event) { customerId error { code } } }`,
      {
        event: {
          messageId: randomUUID(),
          identity: { type: 'EMAIL', value: `${ann.id}@example.com` },
          type: 'PURCHASE',
          properties: { amount: 42, coupon: 'ann@example.com' },
        },
      },
      compiled.apiKey,
    );
    assert.deepEqual(tracked.body.data, { track: { customerId: ann.id, error: null } });
    const created = await post(
      compiled,
      `mutation { createApiKey(name: "read only", scopes: [READ]) { key } }`,
      {},
      compiled.apiKey,
    );
    readOnlyKey = (created.body.data!['createApiKey'] as { key: string }).key;
  });

  after(async () => {
    await interpreted?.stop();
    await compiled?.stop();
  });

  it('answers the 360 read with fragments, aliases, directives and defaults alike', async () => {
    for (const withFamily of [true, false]) {
      const { status, body } = await answer(PROFILE, { id: ann.id, withFamily });
      assert.equal(status, 200);
      assert.equal(body.errors, undefined, JSON.stringify(body.errors));
      const customer = body.data!['customer'] as Record<string, unknown>;
      assert.equal(customer['displayName'], 'Ann Compiled');
      assert.equal(customer['email'], `${ann.id}@example.com`);
      if (withFamily) {
        assert.deepEqual(customer['family'], [
          { relation: 'SPOUSE', customer: { id: ben.id, displayName: 'Ben Compiled' } },
        ]);
      } else {
        assert.equal('family' in customer, false);
        assert.equal((customer['household'] as { size: number }).size, 2);
      }
    }
  });

  it('masks personal values alike for a key without READ_PII', async () => {
    const { body } = await answer(PROFILE, { id: ann.id, withFamily: true }, readOnlyKey);
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    const customer = body.data!['customer'] as Record<string, unknown>;
    assert.notEqual(customer['email'], `${ann.id}@example.com`);
    assert.doesNotMatch(JSON.stringify(customer), /Ann Compiled|ann@example\.com/);
  });

  it('refuses bad variables alike: 400 with BAD_USER_INPUT', async () => {
    for (const variables of [
      { withFamily: true },
      { id: ann.id, withFamily: 'yes' },
      { id: ann.id, withFamily: true, events: 'five' },
    ]) {
      const { status, body } = await answer(PROFILE, variables);
      assert.equal(status, 400, JSON.stringify(variables));
      assert.equal(body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    }
  });

  it('answers a document of several operations alike, named or not', async () => {
    const document = `query Names($id: ID!) { customer(id: $id) { displayName } }
      query Count { customers(first: 1) { edges { node { id } } } }`;
    const unnamed = await answer(document, { id: ann.id });
    assert.equal(unnamed.status, 400);
    assert.match(unnamed.body.errors?.[0]?.message ?? '', /operation name/);

    const named = await answer(document, { id: ann.id }, compiled.apiKey, 'Names');
    assert.deepEqual(named.body.data, { customer: { displayName: 'Ann Compiled' } });
  });

  it("reports resolvers' errors alike, with their codes and paths", async () => {
    const tooMany = await answer(PROFILE, { id: ann.id, withFamily: true, events: 1_000 });
    assert.equal(tooMany.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.deepEqual(tooMany.body.errors?.[0]?.path, ['customer', 'purchases']);

    const unknown = await answer(PROFILE, { id: randomUUID(), withFamily: true });
    assert.equal(unknown.status, 200);
    assert.equal(unknown.body.data?.['customer'], null);

    const refused = await answer(
      `mutation { createApiKey(name: "not allowed", scopes: [READ_PII]) { key } }`,
      {},
      readOnlyKey,
    );
    assert.equal(refused.body.errors?.[0]?.extensions?.code, 'FORBIDDEN');
  });

  it('takes enum arguments whose stored values differ from their names', async () => {
    const { body } = await answer(
      `mutation Create($scopes: [ApiKeyScope!]!) {
        createApiKey(name: "both", scopes: $scopes) { apiKey { name scopes } }
      }`,
      { scopes: ['READ_PII', 'READ'] },
    );
    assert.deepEqual(body.data, {
      createApiKey: { apiKey: { name: 'both', scopes: ['READ_PII', 'READ'] } },
    });
  });
});
