import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { createTestApp, type TestApp } from '../../support/test-app.js';

describe('GET /dashboard', () => {
  let gateway: TestApp;

  before(async () => {
    gateway = await createTestApp();
  });

  after(async () => {
    await gateway.stop();
  });

  it('redirects to the folder, so the page resolves its files (and the API) beside it', async () => {
    const response = await fetch(`${gateway.baseUrl}/dashboard`, { redirect: 'manual' });

    assert.equal(response.status, 301);
    assert.equal(response.headers.get('location'), '/dashboard/');
  });

  it('serves the page with a self-only Content-Security-Policy', async () => {
    const response = await fetch(`${gateway.baseUrl}/dashboard/`);
    const host = new URL(gateway.baseUrl).host;

    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
    const policy = response.headers.get('content-security-policy') ?? '';
    assert.match(policy, /default-src 'none'/);
    assert.match(policy, /script-src 'self'(;|$)/);
    assert.ok(policy.includes(`connect-src 'self' ws://${host} wss://${host}`), policy);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.match(await response.text(), /<h1>c360/);
  });

  it('serves every script, style and icon the page names from the gateway itself', async () => {
    const html = await (await fetch(`${gateway.baseUrl}/dashboard/`)).text();
    const references = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);

    assert.ok(references.includes('vendor/graphql-ws.js'), references.join(', '));
    for (const reference of references) {
      assert.doesNotMatch(reference, /^(?:[a-z]+:)?\/\//i, `${reference} is not on the gateway`);
      const response = await fetch(new URL(reference, `${gateway.baseUrl}/dashboard/`));
      assert.equal(response.status, 200, reference);
      assert.ok(response.headers.get('content-security-policy'), reference);
    }
  });

  it("serves graphql-ws's browser build from the installed package", async () => {
    const response = await fetch(`${gateway.baseUrl}/dashboard/vendor/graphql-ws.js`);

    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /javascript/);
    assert.match(await response.text(), /graphqlWs/);
  });
});
