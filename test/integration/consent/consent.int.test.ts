import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { CustomerConsentDocument, SetConsentDocument } from '../../__generated__/graphql.js';
import { execute } from '../../support/graphql-client.js';
import { seedCustomer } from '../../support/seed.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

describe('Mutation.setConsent', () => {
  let gateway: TestApp;

  before(async () => {
    gateway = await createTestApp();
  });

  after(async () => {
    await gateway.stop();
  });

  it('records answers per purpose; the latest answer wins; unasked purposes read as null', async () => {
    const customer = await seedCustomer(gateway.url, 'Consenting Adult', []);

    await execute(gateway.url, SetConsentDocument, {
      customerId: customer.id,
      purpose: 'MARKETING',
      granted: true,
      source: 'signup',
    });
    await execute(gateway.url, SetConsentDocument, {
      customerId: customer.id,
      purpose: 'AI',
      granted: true,
    });
    const withdrawn = await execute(gateway.url, SetConsentDocument, {
      customerId: customer.id,
      purpose: 'AI',
      granted: false,
      source: 'privacy centre',
    });

    assert.equal(withdrawn.errors, undefined);
    assert.equal(withdrawn.data?.setConsent.granted, false);
    const read = await execute(gateway.url, CustomerConsentDocument, { id: customer.id });
    assert.deepEqual(read.data?.customer?.consent, [
      { purpose: 'ANALYTICS', granted: null, source: null },
      { purpose: 'PERSONALIZATION', granted: null, source: null },
      { purpose: 'MARKETING', granted: true, source: 'signup' },
      { purpose: 'AI', granted: false, source: 'privacy centre' },
    ]);
  });

  it('answers NOT_FOUND for a customer that does not exist, writing nothing', async () => {
    const count = async () =>
      (await gateway.backends.postgres.query('SELECT 1 FROM customer_consents')).rowCount;
    const before = await count();

    const result = await execute(gateway.url, SetConsentDocument, {
      customerId: randomUUID(),
      purpose: 'ANALYTICS',
      granted: true,
    });

    assert.equal(result.errors?.[0]?.extensions?.['code'], 'NOT_FOUND');
    assert.equal(await count(), before);
  });

  it('rejects an unknown purpose at validation, before anything runs', async () => {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `mutation { setConsent(customerId: "${randomUUID()}", purpose: SPAM, granted: true) { granted } }`,
      }),
    });
    const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };

    assert.equal(body.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
  });
});
