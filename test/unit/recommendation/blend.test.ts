import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { diversify, type Ranked } from '../../../src/modules/recommendation/blend.js';

const ranked = (scores: [string, number][]): Ranked[] =>
  scores.map(([itemId, score]) => ({ itemId, score, proposals: new Map() }));

/** Items named by their category: "drama1" is in "drama". */
const categoryOf = (itemId: string) => itemId.replace(/\d+$/, '');

describe('diversify', () => {
  it('lets a fresh category past a near tie only', () => {
    const list = ranked([
      ['drama1', 1],
      ['drama2', 0.995],
      ['comedy1', 0.99],
      ['drama3', 0.9],
      ['comedy2', 0.5],
    ]);
    // After drama1, comedy1 is within 2 % of drama2, so the fresh category goes first; drama3,
    // 10 % behind, and comedy2, far behind, keep their places.
    assert.deepEqual(
      diversify(list, categoryOf, 5, 0.95).map((r) => r.itemId),
      ['drama1', 'comedy1', 'drama2', 'drama3', 'comedy2'],
    );
  });

  it('discounts the whole list with a tolerance of 1, and not at all with 0', () => {
    const list = ranked([
      ['drama1', 1],
      ['drama2', 0.9],
      ['comedy1', 0.8],
    ]);
    assert.deepEqual(
      diversify(list, categoryOf, 3, 0.85, 1).map((r) => r.itemId),
      ['drama1', 'comedy1', 'drama2'],
    );
    assert.deepEqual(
      diversify(list, categoryOf, 3, 0.85, 0).map((r) => r.itemId),
      ['drama1', 'drama2', 'comedy1'],
    );
  });
});
