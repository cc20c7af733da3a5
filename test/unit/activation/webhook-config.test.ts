import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ConfigError, loadConfig } from '../../../src/config.js';

describe('loadConfig webhooks', () => {
  it('has retry and request defaults, and allows private networks only outside production', () => {
    const development = loadConfig({});
    assert.deepEqual(development.webhooks, {
      pollMs: 5_000,
      timeoutMs: 10_000,
      batchSize: 100,
      retryBaseMs: 1_000,
      retryMaxMs: 3_600_000,
      maxAttempts: 8,
      allowPrivateNetworks: true,
    });
    assert.equal(loadConfig({ NODE_ENV: 'production' }).webhooks.allowPrivateNetworks, false);
    assert.equal(
      loadConfig({ NODE_ENV: 'production', WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'on' }).webhooks
        .allowPrivateNetworks,
      true,
    );
    assert.equal(
      loadConfig({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'off' }).webhooks.allowPrivateNetworks,
      false,
    );
  });

  it('refuses out-of-range values, naming each variable', () => {
    assert.throws(
      () =>
        loadConfig({
          WEBHOOK_BATCH_SIZE: '5000',
          WEBHOOK_MAX_ATTEMPTS: '0',
          WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'yes',
        }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        for (const name of [
          'WEBHOOK_BATCH_SIZE',
          'WEBHOOK_MAX_ATTEMPTS',
          'WEBHOOK_ALLOW_PRIVATE_NETWORKS',
        ]) {
          assert.match(error.message, new RegExp(`${name}: `));
        }
        return true;
      },
    );
  });
});
