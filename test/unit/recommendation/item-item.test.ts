import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { buildInteractionMatrix } from '../../../src/modules/recommendation/model/interactions.js';
import { ItemItemModel } from '../../../src/modules/recommendation/model/item-item.js';
import { sparsifyRows } from '../../../src/modules/recommendation/model/sparsify.js';
import { fitItemKnn } from '../../../src/modules/recommendation/model/item-knn.js';
import { PopularityModel } from '../../../src/modules/recommendation/model/popularity.js';

/** Weights from a small table: row → { neighbour: weight }. */
function modelOf(items: string[], weights: Record<string, Record<string, number>>, k = 10) {
  return sparsifyRows(
    items,
    (i, out) => {
      out.fill(0);
      for (const [neighbour, weight] of Object.entries(weights[items[i]!] ?? {})) {
        out[items.indexOf(neighbour)] = weight;
      }
    },
    { neighbours: k },
  );
}

describe('ItemItemModel', () => {
  const items = ['tent', 'stove', 'lamp', 'milk', 'bread'];
  const model = modelOf(items, {
    tent: { stove: 0.5, lamp: 0.4, milk: -0.2, tent: 9 },
    stove: { lamp: 0.3, tent: 0.5 },
    milk: { bread: 0.8 },
  });

  it('lists an item’s neighbours strongest first, never the item itself', () => {
    assert.deepEqual(
      model.neighbours('tent', 2).map(({ itemId }) => itemId),
      ['stove', 'lamp'],
    );
    assert.deepEqual(model.neighbours('unknown', 2), []);
  });

  it('keeps the weights of largest magnitude, negative ones included', () => {
    const small = modelOf(items, { tent: { stove: 0.5, lamp: 0.1, milk: -0.3 } }, 2);
    assert.deepEqual(
      small.neighbours('tent', 5).map(({ itemId, contribution }) => [itemId, contribution]),
      [
        ['stove', 0.5],
        ['milk', Math.fround(-0.3)],
      ],
    );
  });

  it('scores Σ history weight × item weight, leaves out the excluded, and says because of what', () => {
    const history = new Map([
      ['tent', 1],
      ['stove', 2],
    ]);
    const result = model.score(history, 3, new Set(history.keys()));
    // lamp: 1·0.4 + 2·0.3 = 1.0; milk: 1·(−0.2) = −0.2; stove and tent are excluded.
    assert.deepEqual(
      result.map(({ itemId, score }) => [itemId, Math.round(score * 1e6) / 1e6]),
      [
        ['lamp', 1],
        ['milk', -0.2],
      ],
    );
    assert.deepEqual(
      result[0]!.because.map(({ itemId }) => itemId),
      ['stove', 'tent'],
    );
    // A negative contribution is no reason to recommend.
    assert.deepEqual(result[1]!.because, []);
  });

  it('returns the same scores after a serialise and deserialise round trip', () => {
    const copy = ItemItemModel.deserialize(model.serialize());
    assert.deepEqual(copy.items, model.items);
    const history = new Map([['tent', 1]]);
    assert.deepEqual(copy.score(history, 5, new Set()), model.score(history, 5, new Set()));
  });

  it('reads from a Buffer that does not start at an aligned offset', () => {
    const bytes = model.serialize();
    const shifted = Buffer.alloc(bytes.length + 1);
    bytes.copy(shifted, 1);
    const copy = ItemItemModel.deserialize(shifted.subarray(1));
    assert.deepEqual(copy.neighbours('milk', 1), model.neighbours('milk', 1));
  });

  it('refuses bytes that are not a model', () => {
    assert.throws(
      () => ItemItemModel.deserialize(Buffer.from('this is not an item-item model at all')),
      /not an item-item model/,
    );
    assert.throws(() => ItemItemModel.deserialize(model.serialize().subarray(0, 40)), /expected/);
  });

  it('stores 10,000 items × 200 neighbours in at most 16 MB', () => {
    const n = 10_000;
    const ids = Array.from({ length: n }, (_, i) => `product-${i}`);
    const big = sparsifyRows(
      ids,
      (i, out) => {
        out.fill(0);
        for (let d = 1; d <= 400; d++) {
          out[(i + d) % n] = 1 / d;
        }
      },
      { neighbours: 200, allocation: 'average' },
    );
    assert.equal(big.edgeCount, n * 200);
    assert.ok(big.serialize().length <= 16 * 1_048_576, `${big.serialize().length} bytes`);
  });
});

describe('sparsifyRows', () => {
  const items = ['a', 'b', 'c', 'd', 'e'];
  // a has four strong ties; every other item one weak tie.
  const rows: Record<string, Record<string, number>> = {
    a: { b: 0.9, c: -0.8, d: 0.7, e: 0.6 },
    b: { a: 0.1 },
    c: { d: 0.05 },
    d: { e: 0.02 },
    e: { a: 0.01 },
  };
  const rowOf = (i: number, out: Float64Array) => {
    out.fill(0);
    for (const [neighbour, weight] of Object.entries(rows[items[i]!] ?? {})) {
      out[items.indexOf(neighbour)] = weight;
    }
  };

  it('keeps the same number per item with per-item allocation', () => {
    const model = sparsifyRows(items, rowOf, { neighbours: 1 });
    assert.deepEqual(
      items.map((item) => model.neighbours(item, 9).length),
      [1, 1, 1, 1, 1],
    );
  });

  it('spends an average budget on the strongest weights anywhere, at most twice the average per row', () => {
    // Budget 1 × 5 items = 5 weights. a may keep 2 × 1 = 2 (0.9 and −0.8), leaving 6
    // candidates: 0.9, 0.8, 0.1, 0.05, 0.02, 0.01; the weakest, e → a, is dropped.
    const model = sparsifyRows(items, rowOf, { neighbours: 1, allocation: 'average' });
    assert.equal(model.edgeCount, 5);
    assert.deepEqual(
      model.neighbours('a', 9).map(({ itemId }) => itemId),
      ['b', 'c'],
    );
    assert.deepEqual(model.neighbours('e', 9), []);
    // Budget 2 × 5 = 10, a may keep 4: all 8 weights fit.
    assert.equal(sparsifyRows(items, rowOf, { neighbours: 2, allocation: 'average' }).edgeCount, 8);
  });
});

describe('fitItemKnn', () => {
  it('weights items by the cosine of their customer columns', () => {
    // a: {u1, u2}, b: {u1, u2, u3}, c: {u3}. cos(a, b) = 2/√(2·3), cos(b, c) = 1/√3, cos(a, c) = 0.
    const matrix = buildInteractionMatrix(
      [
        ['u1', 'a'],
        ['u1', 'b'],
        ['u2', 'a'],
        ['u2', 'b'],
        ['u3', 'b'],
        ['u3', 'c'],
      ].map(([userId, itemId]) => ({ userId: userId!, itemId: itemId!, weight: 1 })),
    );
    const model = fitItemKnn(matrix);
    const [ab] = model.neighbours('a', 5);
    assert.equal(ab?.itemId, 'b');
    assert.ok(Math.abs(ab.contribution - 2 / Math.sqrt(6)) < 1e-6);
    assert.deepEqual(
      model.neighbours('b', 5).map(({ itemId }) => itemId),
      ['a', 'c'],
    );
    assert.equal(model.neighbours('c', 5).length, 1);
  });
});

describe('PopularityModel', () => {
  it('counts distinct customers, so repeat purchases by one do not count twice', () => {
    const matrix = buildInteractionMatrix(
      [
        ['u1', 'a'],
        ['u1', 'a'],
        ['u1', 'a'],
        ['u2', 'b'],
        ['u3', 'b'],
      ].map(([userId, itemId]) => ({ userId: userId!, itemId: itemId!, weight: 1 })),
    );
    const popularity = PopularityModel.fit(matrix);
    assert.equal(popularity.count('a'), 1);
    assert.deepEqual(popularity.top(2, new Set()), [
      { itemId: 'b', score: 2 },
      { itemId: 'a', score: 1 },
    ]);
    assert.deepEqual(popularity.top(2, new Set(['b'])), [{ itemId: 'a', score: 1 }]);
  });
});
