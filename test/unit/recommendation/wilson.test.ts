import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { wilsonInterval } from '../../../src/modules/recommendation/analytics/wilson.js';

/** Within 1e-4: the hand-computed values below are rounded to four places. */
const close = (actual: number | undefined, expected: number) =>
  assert.ok(Math.abs((actual ?? NaN) - expected) < 1e-4, `${actual} ≉ ${expected}`);

describe('wilsonInterval', () => {
  // By hand, z = 1.96, n = 10, z²/n = 0.38415: the denominator is 1.38415.
  it('gives 0.2366 to 0.7634 for 5 of 10', () => {
    // centre 0.5; half = 1.96 × √(0.025 + 0.0096) / 1.38415 = 0.26341
    const interval = wilsonInterval(5, 10)!;
    close(interval.value, 0.5);
    close(interval.low, 0.2366);
    close(interval.high, 0.7634);
  });

  it('gives 0 to 0.2775 for 0 of 10, not the empty interval of the normal approximation', () => {
    // centre = half = (3.8415 / 20) / 1.38415 = 0.13877
    const interval = wilsonInterval(0, 10)!;
    assert.equal(interval.value, 0);
    assert.equal(interval.low, 0);
    close(interval.high, 0.2775);
  });

  it('gives 0.7225 to 1 for 10 of 10, mirroring 0 of 10', () => {
    const interval = wilsonInterval(10, 10)!;
    close(interval.low, 0.7225);
    assert.equal(interval.high, 1);
  });

  it('gives 0.0834 to 0.2851 for 8 of 50', () => {
    // p 0.16, z²/n 0.076829, denominator 1.076829, centre (0.16 + 0.038415) / 1.076829 = 0.18426,
    // half 1.96 × √(0.002688 + 0.000384) / 1.076829 = 0.10089
    const interval = wilsonInterval(8, 50)!;
    close(interval.value, 0.16);
    close(interval.low, 0.0834);
    close(interval.high, 0.2851);
  });

  it('narrows as trials grow at the same share', () => {
    const small = wilsonInterval(10, 100)!;
    const large = wilsonInterval(1_000, 10_000)!;
    assert.ok(large.high - large.low < small.high - small.low);
    assert.ok(large.low < 0.1 && large.high > 0.1);
  });

  it('is null without trials and refuses impossible counts', () => {
    assert.equal(wilsonInterval(0, 0), null);
    assert.throws(() => wilsonInterval(3, 2), RangeError);
    assert.throws(() => wilsonInterval(-1, 2), RangeError);
  });
});
