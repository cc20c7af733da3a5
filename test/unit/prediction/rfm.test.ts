import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { rfmSegment, scoreRfm } from '../../../src/modules/prediction/model/rfm.js';

describe('scoreRfm', () => {
  it('splits ten distinct customers into fifths, two per score', () => {
    const population = Array.from({ length: 10 }, (_, i) => ({
      recency: 10 - i, // customer 9 bought most recently
      frequency: i + 1,
      monetary: (i + 1) * 10,
    }));
    const scores = scoreRfm(population);
    const expected = [1, 1, 2, 2, 3, 3, 4, 4, 5, 5];
    assert.deepEqual(
      scores.map((s) => s.recency),
      expected,
    );
    assert.deepEqual(
      scores.map((s) => s.frequency),
      expected,
    );
    assert.deepEqual(
      scores.map((s) => s.monetary),
      expected,
    );
    assert.equal(scores[9]!.segment, 'champions');
    assert.equal(scores[0]!.segment, 'lost');
  });

  it('gives tied customers one score: the six one-time buyers of ten all score 1', () => {
    const frequencies = [1, 1, 1, 1, 1, 1, 2, 3, 5, 8];
    const scores = scoreRfm(
      frequencies.map((frequency) => ({ recency: 1, frequency, monetary: 1 })),
    );
    assert.deepEqual(
      scores.map((s) => s.frequency),
      [1, 1, 1, 1, 1, 1, 4, 4, 5, 5],
    );
    // Everyone tied on recency and monetary: all score 1 there.
    assert.ok(scores.every((s) => s.recency === 1 && s.monetary === 1));
  });

  it('names the classic cells of the R × F grid', () => {
    assert.equal(rfmSegment(5, 5), 'champions');
    assert.equal(rfmSegment(5, 1), 'new customers');
    assert.equal(rfmSegment(4, 1), 'promising');
    assert.equal(rfmSegment(3, 4), 'loyal');
    assert.equal(rfmSegment(3, 3), 'need attention');
    assert.equal(rfmSegment(3, 1), 'about to sleep');
    assert.equal(rfmSegment(2, 3), 'at risk');
    assert.equal(rfmSegment(1, 5), "can't lose them");
    assert.equal(rfmSegment(2, 2), 'hibernating');
    assert.equal(rfmSegment(1, 1), 'lost');
    assert.throws(() => rfmSegment(0, 3), RangeError);
    assert.throws(() => rfmSegment(3, 6), RangeError);
  });

  it('returns nothing for an empty population', () => {
    assert.deepEqual(scoreRfm([]), []);
  });
});
