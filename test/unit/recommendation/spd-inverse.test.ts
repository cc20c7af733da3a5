import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { invertSymmetricPositiveDefinite } from '../../../src/modules/recommendation/model/spd-inverse.js';
import { topK } from '../../../src/modules/recommendation/model/top-k.js';

describe('invertSymmetricPositiveDefinite', () => {
  it('inverts a 2 × 2 matrix as the textbook formula does', () => {
    // [[4, 2], [2, 3]]⁻¹ = 1/(4·3 − 2·2) · [[3, −2], [−2, 4]] = [[0.375, −0.25], [−0.25, 0.5]].
    const inverse = invertSymmetricPositiveDefinite(Float64Array.from([4, 2, 2, 3]), 2);
    [0.375, -0.25, -0.25, 0.5].forEach((expected, at) =>
      assert.ok(Math.abs(inverse[at]! - expected) < 1e-12, `entry ${at}: ${inverse[at]}`),
    );
  });

  it('refuses a matrix that is not positive definite', () => {
    // [[1, 2], [2, 1]] has eigenvalues 3 and −1.
    assert.throws(
      () => invertSymmetricPositiveDefinite(Float64Array.from([1, 2, 2, 1]), 2),
      /not positive definite at row 1/,
    );
  });
});

describe('topK', () => {
  it('returns the best indexes first, the lower index first on a tie, skipping non-finite scores', () => {
    const scores = [0.5, 0.9, 0.5, -Infinity, 0.7, NaN];
    assert.deepEqual(topK(scores, 3), [1, 4, 0]);
    assert.deepEqual(topK(scores, 10), [1, 4, 0, 2]);
    assert.deepEqual(topK(scores, 2, { accept: (i) => i !== 1 }), [4, 0]);
    assert.deepEqual(topK(scores, 2, { candidates: [2, 0, 3] }), [0, 2]);
  });
});
