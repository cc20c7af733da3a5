import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  CreateApiKeyDocument,
  IdentifyIdsOnlyDocument,
  IdentifyProbeDocument,
  UpsertCustomerDocument,
  UpsertCustomerProbeDocument,
} from '../../__generated__/graphql.js';
import { execute } from '../../support/graphql-client.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

/** A key with only `write` stores data but reads none back, whatever the mutation returns. */
describe('a write-only key', () => {
  let gateway: TestApp;
  let writer: string;
  const email = `grace.${randomUUID()}@example.com`;
  let customerId: string;

  before(async () => {
    gateway = await createTestApp();
    const created = await execute(gateway.url, CreateApiKeyDocument, {
      name: 'writer',
      scopes: ['WRITE'],
    });
    writer = created.data!.createApiKey.key;
    customerId = randomUUID();
    const stored = await execute(gateway.url, UpsertCustomerDocument, {
      input: {
        id: customerId,
        displayName: 'Grace Hopper',
        email,
        traits: { plan: 'gold', surname: 'Hopper' },
        identities: [{ type: 'EMAIL', value: email, customType: null }],
      },
    });
    assert.equal(stored.errors, undefined, JSON.stringify(stored.errors));
  });

  after(async () => {
    await gateway.stop();
  });

  it('gets ids back from a mutation', async () => {
    const result = await execute(
      gateway.url,
      IdentifyIdsOnlyDocument,
      {
        input: {
          anonymousId: `visitor-${randomUUID()}`,
          identity: { type: 'EMAIL', value: email },
        },
      },
      { apiKey: writer },
    );

    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    assert.equal(result.data?.identify.customerId, customerId);
    assert.equal(result.data?.identify.customer?.id, customerId);
  });

  it('reads no profile, identity, event or consent through a mutation’s payload', async () => {
    const result = await execute(
      gateway.url,
      UpsertCustomerProbeDocument,
      { input: { id: customerId, displayName: 'Grace Hopper', traits: { surname: 'Hopper' } } },
      { apiKey: writer },
    );

    const codes = new Set(result.errors?.map((e) => e.extensions?.['code']));
    assert.deepEqual([...codes], ['FORBIDDEN']);
    const body = JSON.stringify(result);
    assert.ok(!body.includes('Hopper'), body);
    assert.ok(!body.includes(email), body);
  });

  it('cannot tell from identify whether an e-mail was known', async () => {
    const ask = (value: string) =>
      execute(
        gateway.url,
        IdentifyProbeDocument,
        { input: { anonymousId: `visitor-${randomUUID()}`, identity: { type: 'EMAIL', value } } },
        { apiKey: writer },
      );

    const known = await ask(email);
    const unknown = await ask(`nobody.${randomUUID()}@example.com`);

    for (const result of [known, unknown]) {
      assert.equal(result.data, null, 'created and mergedCustomerIds are refused');
      assert.deepEqual(
        [...new Set(result.errors?.map((e) => e.extensions?.['code']))],
        ['FORBIDDEN'],
      );
    }
  });
});
