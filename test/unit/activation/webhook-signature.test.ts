import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';

import {
  generateWebhookSecret,
  signWebhook,
  verifyWebhookSignature,
} from '../../../src/modules/activation/webhook.signature.js';

describe('signWebhook', () => {
  const secret = generateWebhookSecret();
  const body = '{"deliveryId":"d","changes":[]}';

  it('is HMAC-SHA256 over `${timestamp}.${body}`, hex, with the timestamp beside it', () => {
    const expected = createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex');
    assert.equal(signWebhook(secret, 1_700_000_000, body), `t=1700000000,v1=${expected}`);
  });

  it('verifies within the replay window and refuses outside it, or with another secret or body', () => {
    const header = signWebhook(secret, 1_700_000_000, body);
    assert.equal(verifyWebhookSignature(secret, header, body, 300, 1_700_000_299), true);
    assert.equal(verifyWebhookSignature(secret, header, body, 300, 1_700_000_301), false);
    assert.equal(
      verifyWebhookSignature(generateWebhookSecret(), header, body, 300, 1_700_000_000),
      false,
    );
    assert.equal(verifyWebhookSignature(secret, header, `${body} `, 300, 1_700_000_000), false);
    assert.equal(verifyWebhookSignature(secret, 'v1=00', body, 300, 1_700_000_000), false);
  });

  it('makes distinct, prefixed secrets of 32 random bytes', () => {
    const a = generateWebhookSecret();
    assert.match(a, /^whsec_[\w-]{43}$/);
    assert.notEqual(a, generateWebhookSecret());
  });
});
