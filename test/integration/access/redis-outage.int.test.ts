import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { UpsertCustomerDocument } from '../../__generated__/graphql.js';
import { execute } from '../../support/graphql-client.js';
import { type PrivateRedis, startPrivateRedis } from '../../support/private-redis.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

describe('API keys while Redis is down', () => {
  let redis: PrivateRedis;
  let gateway: TestApp;

  before(async () => {
    redis = await startPrivateRedis();
    gateway = await createTestApp({ env: { REDIS_URL: redis.url, API_KEY_CACHE_TTL_MS: '60000' } });
  });

  after(async () => {
    await gateway.stop();
    await redis.stop();
  });

  const write = (apiKey?: string | null) =>
    execute(
      gateway.url,
      UpsertCustomerDocument,
      { input: { displayName: 'Outage Tester' } },
      apiKey === undefined ? undefined : { apiKey },
    );

  it('checks keys in PostgreSQL instead: valid keys still work, unknown ones are still refused', async () => {
    assert.equal((await write()).errors, undefined, 'works while Redis is up');

    await redis.stop();

    const valid = await write();
    const unknown = await write('c360_00000000_not-a-real-key-not-a-real-key-0000000');
    assert.equal(valid.errors, undefined, JSON.stringify(valid.errors));
    assert.ok(valid.data?.upsertCustomer.id);
    assert.equal(unknown.errors?.[0]?.extensions?.['code'], 'UNAUTHENTICATED');
    assert.equal(unknown.data, null);
  });
});
