import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { auditServer } from 'graphql-http';

import { createTestApp, type TestApp } from '../../support/test-app.js';

describe('GraphQL over HTTP', () => {
  let gateway: TestApp;

  before(async () => {
    gateway = await createTestApp();
  });

  after(async () => {
    await gateway.stop();
  });

  it('passes every GraphQL-over-HTTP server audit of graphql-http', async () => {
    // The audit's requests as an API client sends them: with its key, and nothing else added.
    const withKey = (input: Parameters<typeof fetch>[0], init: RequestInit = {}) => {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${gateway.apiKey}`);
      return fetch(input, { ...init, headers });
    };

    const results = await auditServer({ url: gateway.url, fetchFn: withKey });
    const failing = results
      .filter((result) => result.status !== 'ok')
      .map((result) => `${result.id} ${result.name} (${result.status}): ${result.reason}`);

    assert.ok(results.length > 0, 'the audit ran no checks');
    assert.deepEqual(failing, [], `${failing.length} of ${results.length} audits are not ok`);
  });
});
