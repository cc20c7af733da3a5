import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { retryDelay } from '../../../src/modules/activation/webhook.courier.js';

describe('webhook retry delays', () => {
  it('double after each failed attempt up to the maximum', () => {
    // A random draw of 0.5 is the middle of the ±20 % spread: no jitter.
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7].map((attempt) => retryDelay(attempt, 1_000, 30_000, 0.5)),
      [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000],
    );
  });

  it('spread by ±20 %, never above the maximum', () => {
    assert.equal(retryDelay(3, 1_000, 30_000, 0), 3_200);
    assert.equal(retryDelay(3, 1_000, 30_000, 0.999_999), 4_800);
    assert.equal(retryDelay(10, 1_000, 30_000, 0.999_999), 30_000);
    assert.equal(retryDelay(10, 1_000, 30_000, 0), 24_000);
  });
});
