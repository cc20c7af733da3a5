import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { hyp2f1 } from '../../../src/modules/prediction/model/hypergeometric.js';

const close = (actual: number, expected: number, tolerance = 1e-12) =>
  assert.ok(
    Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)),
    `${actual} vs ${expected}`,
  );

describe('hyp2f1', () => {
  it('is 1 at z = 0', () => {
    assert.equal(hyp2f1(2.5, 0.3, 1.7, 0).value, 1);
  });

  it('matches −ln(1−z)/z for ₂F₁(1, 1; 2; z)', () => {
    for (const z of [0.01, 0.3, 0.5, 0.9, 0.99]) {
      close(hyp2f1(1, 1, 2, z).value, -Math.log(1 - z) / z);
    }
  });

  it('matches (1−z)^−a for ₂F₁(a, b; b; z)', () => {
    for (const z of [0.2, 0.7, 0.95]) {
      close(hyp2f1(0.2426, 3.1, 3.1, z).value, Math.pow(1 - z, -0.2426));
    }
  });

  it('matches arcsin(√z)/√z for ₂F₁(½, ½; 3/2; z)', () => {
    for (const z of [0.1, 0.5, 0.8]) {
      close(hyp2f1(0.5, 0.5, 1.5, z).value, Math.asin(Math.sqrt(z)) / Math.sqrt(z));
    }
  });

  it('sums negative early parameters (the form the BG/NBD uses when a < 1)', () => {
    // Euler's transformation must agree with the direct series: ₂F₁(a,b;c;z) = (1−z)^(c−a−b) ₂F₁(c−a,c−b;c;z).
    const [a, b, c, z] = [2.2426, 4.4258, 5.2187, 0.47];
    close(
      hyp2f1(a, b, c, z).value,
      Math.pow(1 - z, c - a - b) * hyp2f1(c - a, c - b, c, z).value,
      1e-11,
    );
  });

  it('stops at the exact end of a terminating series', () => {
    // ₂F₁(−2, b; c; z) = 1 − 2bz/c + b(b+1)z²/(c(c+1)).
    const [b, c, z] = [1.5, 2.5, 0.4];
    const result = hyp2f1(-2, b, c, z);
    close(result.value, 1 - (2 * b * z) / c + (b * (b + 1) * z * z) / (c * (c + 1)));
    assert.ok(result.terms <= 4);
  });

  it('refuses z outside [0, 1) and c a non-positive integer', () => {
    assert.throws(() => hyp2f1(1, 1, 2, 1), RangeError);
    assert.throws(() => hyp2f1(1, 1, 2, -0.1), RangeError);
    assert.throws(() => hyp2f1(1, 1, -3, 0.5), RangeError);
  });

  it('says so instead of returning a truncated sum when it runs out of terms', () => {
    assert.throws(() => hyp2f1(1, 1, 2, 0.999999, { maxTerms: 100 }), /did not converge/);
  });
});
