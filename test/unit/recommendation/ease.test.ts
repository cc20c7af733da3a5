import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { fitEase, fitEaseExact } from '../../../src/modules/recommendation/model/ease.js';
import {
  buildInteractionMatrix,
  type Interaction,
} from '../../../src/modules/recommendation/model/interactions.js';
import { mulberry32 } from '../../../src/modules/recommendation/evaluation/split.js';

/** A random 0/1 matrix with some repeated (user, item) pairs, so weights of 2 occur too. */
function randomInteractions(users: number, items: number, density: number): Interaction[] {
  const random = mulberry32(7);
  const rows: Interaction[] = [];
  for (let u = 0; u < users; u++) {
    rows.push({ userId: `u${u}`, itemId: `i${u % items}`, weight: 1 });
    for (let i = 0; i < items; i++) {
      if (random() < density) {
        rows.push({ userId: `u${u}`, itemId: `i${i}`, weight: 1 });
      }
    }
  }
  return rows;
}

/**
 * Steck's formula computed the slow, obvious way: Gauss–Jordan on XᵀX + Λ, Λ = λI for EASE and
 * diag(λ + p/(1 − p)·G_jj) for EDLAE (dropout p).
 */
function referenceB(dense: number[][], lambda: number, dropout = 0): number[][] {
  const n = dense[0]!.length;
  const a = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      const gram = dense.reduce((sum, row) => sum + row[i]! * row[j]!, 0);
      return gram + (i === j ? lambda + (dropout / (1 - dropout)) * gram : 0);
    }),
  );
  const p = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => +(i === j)));
  for (let c = 0; c < n; c++) {
    const pivot = a[c]![c]!;
    for (let j = 0; j < n; j++) {
      a[c]![j]! /= pivot;
      p[c]![j]! /= pivot;
    }
    for (let r = 0; r < n; r++) {
      const factor = a[r]![c]!;
      if (r !== c && factor !== 0) {
        for (let j = 0; j < n; j++) {
          a[r]![j]! -= factor * a[c]![j]!;
          p[r]![j]! -= factor * p[c]![j]!;
        }
      }
    }
  }
  return p.map((row, i) => row.map((value, j) => (i === j ? 0 : -value / p[j]![j]!)));
}

function denseOf(interactions: Interaction[]) {
  const matrix = buildInteractionMatrix(interactions);
  const dense = matrix.users.map(() => new Array<number>(matrix.items.length).fill(0));
  for (let u = 0; u < matrix.users.length; u++) {
    for (let p = matrix.rowStart[u]!; p < matrix.rowStart[u + 1]!; p++) {
      dense[u]![matrix.columns[p]!] = matrix.values[p]!;
    }
  }
  return { matrix, dense };
}

describe('fitEaseExact', () => {
  for (const [users, items] of [
    [6, 9],
    [12, 7],
  ] as const) {
    it(`matches B = I − P·diag(1/diag P) by both methods (${users} users, ${items} items)`, () => {
      const { matrix, dense } = denseOf(randomInteractions(users, items, 0.35));
      const expected = referenceB(dense, 3);
      for (const method of ['woodbury', 'gram'] as const) {
        const scorer = fitEaseExact(matrix, { lambda: 3, method });
        // The Gram method orders its items by popularity: compare by id.
        const at = (item: number) => matrix.itemIndex.get(scorer.items[item]!)!;
        assert.deepEqual([...scorer.items].sort(), [...matrix.items].sort());
        const row = new Float64Array(matrix.items.length);
        scorer.items.forEach((_, i) => {
          scorer.row(i, row);
          row.forEach((value, j) =>
            assert.ok(Math.abs(value - expected[at(i)]![at(j)]!) < 1e-9, `${method} B[${i},${j}]`),
          );
        });
      }
    });
  }

  it('scores a history as Σ h_i·B[i, :] without forming B (Woodbury)', () => {
    const { matrix, dense } = denseOf(randomInteractions(8, 10, 0.3));
    const b = referenceB(dense, 2);
    const history = new Map([
      [matrix.items[0]!, 1],
      [matrix.items[3]!, 2],
    ]);
    const scores = fitEaseExact(matrix, { lambda: 2, method: 'woodbury' }).scoreUser(history);
    matrix.items.forEach((_, j) => {
      const expected = b[0]![j]! + 2 * b[3]![j]!;
      assert.ok(Math.abs(scores[j]! - expected) < 1e-9, `score of item ${j}`);
    });
  });

  it('models only the most popular items when the Gram matrix would be too large', () => {
    const interactions = randomInteractions(30, 6, 0.3);
    // Item z has one user; with maxItems = 6 it is the one left out.
    interactions.push({ userId: 'u0', itemId: 'z', weight: 1 });
    const scorer = fitEaseExact(buildInteractionMatrix(interactions), { lambda: 5, maxItems: 6 });
    assert.equal(scorer.method, 'gram');
    assert.equal(scorer.items.length, 6);
    assert.ok(!scorer.items.includes('z'));
  });

  for (const method of ['woodbury', 'gram'] as const) {
    it(`fits EDLAE, each item regularised by λ + p/(1 − p)·G_jj (${method})`, () => {
      const { matrix, dense } = denseOf(randomInteractions(7, 9, 0.4));
      const expected = referenceB(dense, 2, 0.25);
      const scorer = fitEaseExact(matrix, { lambda: 2, dropout: 0.25, method });
      assert.equal(scorer.dropout, 0.25);
      const at = (item: number) => matrix.itemIndex.get(scorer.items[item]!)!;
      const row = new Float64Array(scorer.items.length);
      scorer.items.forEach((_, i) => {
        scorer.row(i, row);
        row.forEach((value, j) =>
          assert.ok(Math.abs(value - expected[at(i)]![at(j)]!) < 1e-9, `B[${i},${j}]`),
        );
      });
      const history = new Map([
        [matrix.items[1]!, 1],
        [matrix.items[4]!, 3],
      ]);
      const scores = scorer.scoreUser(history);
      scorer.items.forEach((_, j) => {
        const want = expected[1]![at(j)]! + 3 * expected[4]![at(j)]!;
        assert.ok(Math.abs(scores[j]! - want) < 1e-9, `score of item ${j}`);
      });
    });
  }

  it('holds back what a popular item predicts harder under EDLAE than under EASE', () => {
    // Two users bought a and b together, eight bought only a: a is the popular one. With the
    // same λ, dropout regularises a harder, so what a predicts (B[a, b]) shrinks relative to
    // what predicts a (B[b, a]).
    const interactions: Interaction[] = [];
    for (let u = 0; u < 10; u++) {
      interactions.push({ userId: `u${u}`, itemId: 'a', weight: 1 });
      if (u < 2) {
        interactions.push({ userId: `u${u}`, itemId: 'b', weight: 1 });
      }
    }
    const matrix = buildInteractionMatrix(interactions);
    const ratio = (dropout: number) => {
      const scorer = fitEaseExact(matrix, { lambda: 1, dropout });
      const a = scorer.items.indexOf('a');
      const b = scorer.items.indexOf('b');
      const row = new Float64Array(2);
      scorer.row(b, row);
      const bToA = row[a]!;
      scorer.row(a, row);
      return bToA / row[b]!;
    };
    // Hand-computed: G = [[10, 2], [2, 2]]; EASE λ = 1: P ∝ [[3, −2], [−2, 11]], so
    // B[b, a] = 2/3 and B[a, b] = 2/11, a ratio of 11/3. At p = 0.5, Λ = diag(11, 3):
    // P ∝ [[5, −2], [−2, 21]], B[b, a] = 2/5, B[a, b] = 2/21, a ratio of 21/5.
    assert.ok(Math.abs(ratio(0) - 11 / 3) < 1e-9, String(ratio(0)));
    assert.ok(Math.abs(ratio(0.5) - 21 / 5) < 1e-9, String(ratio(0.5)));
  });

  it('refuses a dropout outside [0, 1)', () => {
    const { matrix } = denseOf(randomInteractions(3, 3, 0.5));
    assert.throws(() => fitEaseExact(matrix, { lambda: 1, dropout: 1 }), /dropout must be/);
  });

  it('refuses a λ that is not positive', () => {
    const { matrix } = denseOf(randomInteractions(3, 3, 0.5));
    assert.throws(() => fitEaseExact(matrix, { lambda: 0 }), /lambda must be positive/);
  });
});

describe('fitEase', () => {
  it('recommends what is bought together with the history, not what is merely popular', () => {
    const interactions: Interaction[] = [];
    // Ten customers buy tent, stove and lamp together; twenty buy milk and bread; milk is the
    // most popular item overall.
    for (let u = 0; u < 10; u++) {
      for (const itemId of ['tent', 'stove', 'lamp', 'milk']) {
        interactions.push({ userId: `camper${u}`, itemId, weight: 1 });
      }
    }
    for (let u = 0; u < 20; u++) {
      for (const itemId of ['milk', 'bread']) {
        interactions.push({ userId: `shopper${u}`, itemId, weight: 1 });
      }
    }
    const model = fitEase(buildInteractionMatrix(interactions), { lambda: 1, neighbours: 3 });
    const history = new Map([
      ['tent', 1],
      ['stove', 1],
    ]);
    const [first] = model.score(history, 1, new Set(history.keys()));
    assert.equal(first?.itemId, 'lamp');
    assert.deepEqual(first?.because.map(({ itemId }) => itemId).sort(), ['stove', 'tent']);
  });
});
