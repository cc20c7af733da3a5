import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  ApiKeysDocument,
  CreateApiKeyDocument,
  type ApiKeyScope,
  CustomerProfileDocument,
  RevokeApiKeyDocument,
  UpsertCustomerDocument,
} from '../../__generated__/graphql.js';
import { execute } from '../../support/graphql-client.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

const codeOf = (result: { errors?: readonly { extensions?: Record<string, unknown> }[] }) =>
  result.errors?.[0]?.extensions?.['code'];

describe('API keys', () => {
  let gateway: TestApp;

  before(async () => {
    gateway = await createTestApp();
  });

  after(async () => {
    await gateway.stop();
  });

  const createKey = async (scopes: ApiKeyScope[]) => {
    const result = await execute(gateway.url, CreateApiKeyDocument, {
      name: `key ${randomUUID()}`,
      scopes,
    });
    assert.equal(result.errors, undefined);
    return result.data!.createApiKey;
  };
  const lookup = { id: randomUUID() };

  it('refuses a request without a key with UNAUTHENTICATED', async () => {
    const result = await execute(gateway.url, CustomerProfileDocument, lookup, { apiKey: null });

    assert.equal(codeOf(result), 'UNAUTHENTICATED');
    assert.equal(result.data?.customer ?? null, null);
  });

  it('refuses an unknown key and a malformed one with UNAUTHENTICATED', async () => {
    const madeUp = `c360_${randomBytes(4).toString('hex')}_${randomBytes(32).toString('base64url')}`;
    for (const apiKey of [madeUp, 'not-a-key']) {
      const result = await execute(gateway.url, CustomerProfileDocument, lookup, { apiKey });
      assert.equal(codeOf(result), 'UNAUTHENTICATED', apiKey);
    }
  });

  it('Mutation.createApiKey returns a working secret once and stores only its prefix', async () => {
    const { key, apiKey } = await createKey(['READ']);

    assert.match(key, /^c360_[0-9a-f]{8}_[\w-]{43}$/);
    assert.ok(key.startsWith(`${apiKey.prefix}_`));
    const read = await execute(gateway.url, CustomerProfileDocument, lookup, { apiKey: key });
    assert.equal(read.errors, undefined);
    assert.equal(read.data?.customer, null);

    const listed = await execute(gateway.url, ApiKeysDocument, {});
    const entry = listed.data?.apiKeys.find((k) => k.id === apiKey.id);
    assert.deepEqual(entry?.scopes, ['READ']);
    assert.ok(entry?.lastUsedAt, 'the key’s use was recorded');
    assert.doesNotMatch(JSON.stringify(listed), new RegExp(key), 'no secret in the list');
    const stored = await gateway.backends.postgres.query<Record<string, unknown>>(
      'SELECT * FROM api_keys WHERE id = $1',
      [apiKey.id],
    );
    const row = stored.rows[0]!;
    assert.deepEqual(row['key_hash'], createHash('sha256').update(key).digest());
    assert.doesNotMatch(JSON.stringify(row), new RegExp(key.slice(-20)), 'no secret stored');
  });

  it('Mutation.revokeApiKey refuses the very next request with the key', async () => {
    const { key, apiKey } = await createKey(['READ']);
    // Cached as valid first, so the revoke has a cache entry to overcome.
    assert.equal(
      (await execute(gateway.url, CustomerProfileDocument, lookup, { apiKey: key })).errors,
      undefined,
    );

    const revoked = await execute(gateway.url, RevokeApiKeyDocument, { id: apiKey.id });
    assert.ok(revoked.data?.revokeApiKey.revokedAt);

    const after = await execute(gateway.url, CustomerProfileDocument, lookup, { apiKey: key });
    assert.equal(codeOf(after), 'UNAUTHENTICATED');
  });

  it('a revoke on one instance is effective at once on another sharing Redis', async () => {
    const other = await createTestApp({ database: gateway.database });
    try {
      const { key, apiKey } = await createKey(['READ']);
      const onOther = () => execute(other.url, CustomerProfileDocument, lookup, { apiKey: key });
      assert.equal((await onOther()).errors, undefined, 'the other instance has cached the key');

      await execute(gateway.url, RevokeApiKeyDocument, { id: apiKey.id });

      assert.equal(codeOf(await onOther()), 'UNAUTHENTICATED');
    } finally {
      await other.stop();
    }
  });

  it('a read-only key cannot mutate: FORBIDDEN, and nothing is written', async () => {
    const { key } = await createKey(['READ', 'READ_PII']);
    const id = randomUUID();

    const result = await execute(
      gateway.url,
      UpsertCustomerDocument,
      { input: { id, displayName: 'Not Written' } },
      { apiKey: key },
    );

    assert.equal(codeOf(result), 'FORBIDDEN');
    assert.match(result.errors![0]!.message, /WRITE scope/);
    const stored = await gateway.backends.postgres.query('SELECT 1 FROM customers WHERE id = $1', [
      id,
    ]);
    assert.equal(stored.rowCount, 0);
  });

  it('a key without admin cannot manage keys, and a write-only key cannot read', async () => {
    const { key: writer } = await createKey(['READ', 'WRITE']);
    assert.equal(
      codeOf(await execute(gateway.url, ApiKeysDocument, {}, { apiKey: writer })),
      'FORBIDDEN',
    );
    const created = await execute(
      gateway.url,
      CreateApiKeyDocument,
      { name: 'escalation', scopes: ['ADMIN'] },
      { apiKey: writer },
    );
    assert.equal(codeOf(created), 'FORBIDDEN');

    const { key: writeOnly } = await createKey(['WRITE']);
    const read = await execute(gateway.url, CustomerProfileDocument, lookup, { apiKey: writeOnly });
    assert.equal(codeOf(read), 'FORBIDDEN');
  });

  it('Mutation.createApiKey rejects a key without scopes with BAD_USER_INPUT', async () => {
    const result = await execute(gateway.url, CreateApiKeyDocument, { name: 'empty', scopes: [] });

    assert.equal(codeOf(result), 'BAD_USER_INPUT');
  });
});
