import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { Matrix, SingularValueDecomposition } from 'ml-matrix';

import {
  orthonormalize,
  randomizedSvd,
} from '../../../src/modules/recommendation/model/randomized-svd.js';
import { sparseRows } from '../../../src/modules/recommendation/model/sparse-rows.js';

/** A rows × columns matrix with about a quarter of its cells set, from a fixed formula. */
function sparseExample(rows: number, columns: number) {
  const entries = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: columns }, (_, j) => [j, Math.sin(i * 12.9898 + j * 78.233)] as const)
      .filter((_, j) => (i * 7 + j * 13) % 4 === 0)
      .map(([j, value]) => [j, value] as const),
  );
  const dense = new Matrix(rows, columns);
  entries.forEach((row, i) => row.forEach(([j, value]) => dense.set(i, j, value)));
  return { sparse: sparseRows(columns, entries), dense };
}

describe('randomizedSvd', () => {
  it('finds the exact singular values when it may use every direction', () => {
    const { sparse, dense } = sparseExample(30, 20);

    const { singularValues } = randomizedSvd(sparse, { rank: 20, seed: 1 });
    const exact = new SingularValueDecomposition(dense).diagonal;

    singularValues.forEach((value, i) => assert.ok(Math.abs(value - exact[i]!) < 1e-8));
  });

  it('recovers the leading singular values of a low-rank matrix, with orthonormal vectors', () => {
    // Rank 3 by construction: a 50 × 3 times a 3 × 40 matrix.
    const left = Matrix.rand(50, 3, { random: seededUniform(7) });
    const right = Matrix.rand(3, 40, { random: seededUniform(8) });
    const dense = left.mmul(right);
    const sparse = sparseRows(
      40,
      dense.to2DArray().map((row) => row.map((value, j) => [j, value] as const)),
    );

    const { singularValues, rightVectors } = randomizedSvd(sparse, { rank: 3, seed: 42 });
    const exact = new SingularValueDecomposition(dense).diagonal;

    singularValues.forEach((value, i) => assert.ok(Math.abs(value - exact[i]!) < 1e-8 * exact[0]!));
    const v = Matrix.from1DArray(40, 3, rightVectors);
    const identity = v.transpose().mmul(v);
    for (let i = 0; i < 3; i += 1) {
      for (let j = 0; j < 3; j += 1) {
        assert.ok(Math.abs(identity.get(i, j) - (i === j ? 1 : 0)) < 1e-9);
      }
    }
  });

  it('is deterministic for a seed', () => {
    const { sparse } = sparseExample(40, 30);

    assert.deepEqual(
      randomizedSvd(sparse, { rank: 5, seed: 3 }),
      randomizedSvd(sparse, { rank: 5, seed: 3 }),
    );
  });
});

describe('orthonormalize', () => {
  it('turns a column in the span of the earlier ones into zeros, not noise', () => {
    // Columns: (1, 1, 0), (2, 2, 0) = 2 × the first, (0, 1, 1).
    const q = orthonormalize(Float64Array.from([1, 2, 0, 1, 2, 1, 0, 0, 1]), 3, 3);

    const column = (c: number) => [q[c]!, q[3 + c]!, q[6 + c]!];
    assert.deepEqual(column(1), [0, 0, 0]);
    assert.ok(Math.abs(Math.hypot(...column(0)) - 1) < 1e-12);
    assert.ok(Math.abs(Math.hypot(...column(2)) - 1) < 1e-12);
    assert.ok(Math.abs(column(0).reduce((sum, x, i) => sum + x * column(2)[i]!, 0)) < 1e-12);
  });
});

function seededUniform(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}
