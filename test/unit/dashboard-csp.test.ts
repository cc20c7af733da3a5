import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { contentSecurityPolicy } from '../../src/http/dashboard.js';

/** The policy as a map of directive → its sources. */
function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(';').map((part) => {
      const [name, ...sources] = part.trim().split(/\s+/);
      return [name!, sources];
    }),
  );
}

describe("the dashboard's Content-Security-Policy", () => {
  it('allows scripts, styles and images from the gateway only, and nothing else by default', () => {
    const policy = directives(contentSecurityPolicy('127.0.0.1:4000'));

    assert.deepEqual(policy.get('default-src'), ["'none'"]);
    assert.deepEqual(policy.get('script-src'), ["'self'"]);
    assert.deepEqual(policy.get('style-src'), ["'self'"]);
    assert.deepEqual(policy.get('img-src'), ["'self'"]);
    assert.deepEqual(policy.get('form-action'), ["'none'"]);
    assert.deepEqual(policy.get('frame-ancestors'), ["'none'"]);
    assert.deepEqual(policy.get('base-uri'), ["'none'"]);
  });

  it('lets the page connect to the host it was loaded from, over HTTP and WebSocket', () => {
    for (const host of ['127.0.0.1:4000', 'gateway.example.com', '[::1]:8080']) {
      assert.deepEqual(directives(contentSecurityPolicy(host)).get('connect-src'), [
        "'self'",
        `ws://${host}`,
        `wss://${host}`,
      ]);
    }
  });

  it('echoes no Host header that is not a plain host and port', () => {
    for (const host of [undefined, '', "evil.example; script-src 'unsafe-inline'", 'a b', 'x/y']) {
      const policy = contentSecurityPolicy(host);

      assert.deepEqual(directives(policy).get('connect-src'), ["'self'"], String(host));
      assert.doesNotMatch(policy, /unsafe/);
    }
  });
});
