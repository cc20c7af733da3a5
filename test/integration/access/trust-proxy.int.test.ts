import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { ConfigError, loadConfig } from '../../../src/config.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

/** A fresh address from the documentation range (RFC 3849), so no run meets another's count. */
const someClient = () =>
  `2001:db8::${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}`;

/** One operation sent as if through a proxy that says it came from `client`. */
async function post(gateway: TestApp, key: string, client: string): Promise<number> {
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${key}`,
      'x-forwarded-for': client,
    },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
  await response.body?.cancel();
  return response.status;
}

const badKey = () => `c360_00000000_${randomUUID()}`;

/** Three failed authentications a minute, counted in this process (not the shared Redis). */
const LIMITED = { REDIS_URL: '', RATE_LIMIT_FAILED_AUTH_PER_MINUTE: '3' };

describe('TRUST_PROXY', () => {
  let behindProxy: TestApp;
  let untrusting: TestApp;

  before(async () => {
    // The test connects from loopback, so loopback plays the proxy.
    behindProxy = await createTestApp({ env: { ...LIMITED, TRUST_PROXY: 'loopback' } });
    untrusting = await createTestApp({ env: { ...LIMITED, TRUST_PROXY: '10.0.0.0/8' } });
  });

  after(async () => {
    await behindProxy?.stop();
    await untrusting?.stop();
  });

  it('counts failed authentications per client behind a trusted proxy, not per proxy', async () => {
    const guesser = someClient();
    const guesses = [];
    for (let i = 0; i < 4; i += 1) {
      guesses.push(await post(behindProxy, badKey(), guesser));
    }
    assert.deepEqual(guesses, [200, 200, 200, 429]);
    // The guesser is refused even with a valid key; another client of the same proxy is not.
    assert.equal(await post(behindProxy, behindProxy.apiKey, guesser), 429);
    assert.equal(await post(behindProxy, behindProxy.apiKey, someClient()), 200);
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    for (let i = 0; i < 3; i += 1) {
      assert.equal(await post(untrusting, badKey(), someClient()), 200);
    }
    // Every guess counted against the peer itself, whatever address each one claimed.
    assert.equal(await post(untrusting, untrusting.apiKey, someClient()), 429);
  });

  it('refuses a list proxy-addr cannot read, naming the variable', () => {
    assert.throws(
      () => loadConfig({ TRUST_PROXY: 'loopback, the-load-balancer' }),
      (error: unknown) => error instanceof ConfigError && /TRUST_PROXY/.test(error.message),
    );
    assert.deepEqual(loadConfig({ TRUST_PROXY: '10.0.0.0/8, loopback' }).access.trustProxy, [
      '10.0.0.0/8',
      'loopback',
    ]);
  });
});
