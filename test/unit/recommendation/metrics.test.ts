import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  catalogueCoverage,
  hitRateAt,
  ndcgAt,
  recallAt,
} from '../../../src/modules/recommendation/evaluation/metrics.js';

const close = (actual: number, expected: number) =>
  assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} ≠ ${expected}`);

describe('recallAt', () => {
  it('divides the hits by min(K, |test|)', () => {
    // Top 3 of [a b c d]: a and c are relevant → 2 hits; |test| = 4 > K = 3 → 2/3.
    close(recallAt(3, ['a', 'b', 'c', 'd'], new Set(['a', 'c', 'x', 'y'])), 2 / 3);
    // |test| = 1 < K = 3: the one relevant item found → 1/1.
    close(recallAt(3, ['a', 'b', 'c'], new Set(['b'])), 1);
  });

  it('ignores hits below rank K and is 0 without held-out items', () => {
    // d is relevant but at rank 4 > K = 3 → 0 hits of min(3, 1) = 1.
    close(recallAt(3, ['a', 'b', 'c', 'd'], new Set(['d'])), 0);
    close(recallAt(3, ['a'], new Set()), 0);
  });
});

describe('ndcgAt', () => {
  it('discounts each hit by log2(rank + 1) and normalises by the ideal list', () => {
    // Hits at ranks 1 and 3: DCG = 1/log2(2) + 1/log2(4) = 1 + 0.5 = 1.5.
    // |test| = 2, K = 3: ideal DCG = 1/log2(2) + 1/log2(3) = 1 + 0.6309297535714574.
    close(ndcgAt(3, ['a', 'b', 'c'], new Set(['a', 'c'])), 1.5 / (1 + 1 / Math.log2(3)));
  });

  it('caps the ideal list at K when more items are held out', () => {
    // One hit at rank 2: DCG = 1/log2(3). |test| = 5 > K = 2: ideal = 1 + 1/log2(3).
    const expected = 1 / Math.log2(3) / (1 + 1 / Math.log2(3));
    close(ndcgAt(2, ['x', 'a', 'b'], new Set(['a', 'b', 'c', 'd', 'e'])), expected);
  });

  it('is 1 for a perfect list and 0 for no hits', () => {
    close(ndcgAt(2, ['a', 'b', 'z'], new Set(['a', 'b'])), 1);
    close(ndcgAt(2, ['y', 'z'], new Set(['a'])), 0);
  });
});

describe('hitRateAt', () => {
  it('is 1 when any relevant item is in the top K', () => {
    assert.equal(hitRateAt(2, ['x', 'a'], new Set(['a'])), 1);
    // a is at rank 3 > K = 2.
    assert.equal(hitRateAt(2, ['x', 'y', 'a'], new Set(['a'])), 0);
  });
});

describe('catalogueCoverage', () => {
  it('counts distinct items in the top K of all lists over the catalogue size', () => {
    // Top 2 of each list: {a, b} ∪ {b, c} = {a, b, c}; d is at rank 3 → 3 of 10 items.
    close(
      catalogueCoverage(
        2,
        [
          ['a', 'b', 'd'],
          ['b', 'c'],
        ],
        10,
      ),
      0.3,
    );
  });
});
