import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  mulberry32,
  splitPositives,
  validationSplit,
  type Rating,
} from '../../../src/modules/recommendation/evaluation/split.js';

function ratingsOf(users: number, items: number, rating: (u: number, i: number) => number) {
  const ratings: Rating[] = [];
  for (let u = 0; u < users; u++) {
    for (let i = 0; i < items; i++) {
      ratings.push({ userId: `${u}`, itemId: `${i}`, rating: rating(u, i) });
    }
  }
  return ratings;
}

describe('splitPositives', () => {
  // User u rates items 0..9; item i gets 5 stars when i < u, 3 stars otherwise: user u has u
  // positives (ratings ≥ 4).
  const ratings = ratingsOf(11, 10, (u, i) => (i < u ? 5 : 3));
  const split = splitPositives(ratings, 42);

  it('keeps users with at least five positives and holds out 20 % of each', () => {
    assert.deepEqual([...split.test.keys()], ['5', '6', '7', '8', '9', '10']);
    // 5 positives → 1 held out; 10 positives → 2 held out.
    assert.equal(split.test.get('5')!.size, 1);
    assert.equal(split.test.get('10')!.size, 2);
    assert.equal(split.train.filter(({ userId }) => userId === '10').length, 8);
  });

  it('never puts a negative rating or a held-out item into training', () => {
    for (const { userId, itemId } of split.train) {
      assert.ok(Number(itemId) < Number(userId), `${userId}/${itemId} is a positive`);
      assert.ok(!split.test.get(userId)!.has(itemId));
    }
  });

  it('is the same for the same seed, whatever the order of the file', () => {
    const again = splitPositives([...ratings].reverse(), 42);
    assert.deepEqual(again, split);
    const other = splitPositives(ratings, 43);
    assert.notDeepEqual(other.test, split.test);
  });

  it('counts a row without a rating as a positive (implicit feedback)', () => {
    const implicit = ratingsOf(1, 5, () => 0).map((row) => ({ ...row, rating: null }));
    assert.equal(splitPositives(implicit, 1).train.length, 4);
  });
});

describe('validationSplit', () => {
  it('splits training positives again, leaving each user something to learn from', () => {
    const { train } = splitPositives(
      ratingsOf(3, 10, () => 5),
      42,
    );
    const validation = validationSplit(train, 43);
    for (const [userId, held] of validation.test) {
      const kept = validation.train.filter((row) => row.userId === userId).length;
      assert.equal(held.size + kept, 8);
      assert.ok(kept > 0 && held.size > 0);
    }
  });
});

describe('validationSplit with an order', () => {
  // The same positives loaded twice get new ids each time (as a database would give them):
  // ordered by a key that stays (the dataset's own ids), both draw the same split.
  const { train } = splitPositives(
    ratingsOf(6, 12, (u, i) => ((u + i) % 3 === 0 ? 3 : 5)),
    42,
  );
  const load = (multiplier: number) => {
    // Ids in another order each load: a permutation of the dataset's.
    const rename = (id: string) => `id-${(Number(id) * multiplier) % 1009}`;
    const keyOf = new Map<string, string>();
    const renamed = train.map((row) => {
      keyOf.set(rename(row.userId), row.userId);
      keyOf.set(`${rename(row.itemId)}i`, row.itemId);
      return { ...row, userId: rename(row.userId), itemId: `${rename(row.itemId)}i` };
    });
    const back = (split: ReturnType<typeof validationSplit>) => ({
      train: split.train.map((row) => `${keyOf.get(row.userId)}/${keyOf.get(row.itemId)}`),
      test: [...split.test].map(([u, items]) => [
        keyOf.get(u),
        [...items].map((i) => keyOf.get(i)),
      ]),
    });
    const key = (id: string) => keyOf.get(id)!;
    return {
      byId: back(validationSplit(renamed, 43)),
      byKey: back(validationSplit(renamed, 43, { user: key, item: key })),
    };
  };

  it('draws the same split from two loads of the same data when ordered by a stable key', () => {
    const first = load(7919);
    const second = load(104729);
    assert.deepEqual(second.byKey, first.byKey);
    assert.deepEqual(first.byKey, {
      train: validationSplit(train, 43).train.map((row) => `${row.userId}/${row.itemId}`),
      test: [...validationSplit(train, 43).test].map(([u, items]) => [u, [...items]]),
    });
  });

  it('draws another split when ordered by ids the load generated', () => {
    assert.notDeepEqual(load(104729).byId, load(7919).byId);
  });
});

describe('mulberry32', () => {
  it('draws the same uniform sequence in [0, 1) for a seed', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const draws = Array.from({ length: 1000 }, () => a());
    assert.deepEqual(
      Array.from({ length: 1000 }, () => b()),
      draws,
    );
    assert.ok(draws.every((x) => x >= 0 && x < 1));
    // Roughly uniform: the mean of 1,000 draws is within 0.05 of 0.5.
    assert.ok(Math.abs(draws.reduce((s, x) => s + x, 0) / 1000 - 0.5) < 0.05);
  });
});
