import { Matrix, SingularValueDecomposition } from 'ml-matrix';

import { multiply, type SparseRows, transposeMultiply } from './sparse-rows.js';
import { mulberry32 } from '../../../lib/seeded-random.js';

export interface RandomizedSvdOptions {
  /** Singular triplets wanted; at most min(rows, columns). */
  readonly rank: number;
  readonly seed: number;
  /** Extra random directions that make the leading `rank` accurate (Halko et al. suggest 5–10). */
  readonly oversamples?: number;
  /** Passes of (A Aᵀ) that sharpen a slowly decaying spectrum, as text matrices have. */
  readonly powerIterations?: number;
}

export interface TruncatedSvd {
  /** Descending, `rank` of them. */
  readonly singularValues: Float64Array;
  /** The right singular vectors as a row-major `columns` × `rank` matrix (one row per column of A). */
  readonly rightVectors: Float64Array;
}

/**
 * The leading singular values and right singular vectors of a sparse A, by randomized SVD
 * (Halko, Martinsson & Tropp 2011, algorithms 4.4 and 5.1): Y = A·Ω for a Gaussian Ω from a
 * seeded PRNG, power iterations re-orthonormalised at each step, Q = orth(Y), then the SVD of
 * the small matrix C = Qᵀ·A·Q₂ where Q₂ = orth(Aᵀ·Q) spans B = Qᵀ·A's rows: B = U·S·(Q₂·W)ᵀ.
 *
 * A is only touched through sparse products; the tall orthonormalisations are Gram–Schmidt
 * twice ("twice is enough"); ml-matrix does the SVD of the (rank + oversamples)² matrix.
 * Deterministic for a given A and seed.
 */
export function randomizedSvd(a: SparseRows, options: RandomizedSvdOptions): TruncatedSvd {
  const rank = options.rank;
  const width = Math.min(rank + (options.oversamples ?? 10), a.rows, a.columns);
  if (rank < 1 || rank > width) {
    throw new RangeError(`rank ${rank} is outside 1..${Math.min(a.rows, a.columns)}`);
  }
  const random = gaussian(options.seed);
  const omega = Float64Array.from({ length: a.columns * width }, random);

  let q = orthonormalize(multiply(a, omega, width), a.rows, width);
  for (let i = 0; i < (options.powerIterations ?? 2); i += 1) {
    const z = orthonormalize(transposeMultiply(a, q, width), a.columns, width);
    q = orthonormalize(multiply(a, z, width), a.rows, width);
  }
  const q2 = orthonormalize(transposeMultiply(a, q, width), a.columns, width);
  // C = Qᵀ·(A·Q₂): width × width.
  const aq2 = multiply(a, q2, width);
  const c = new Matrix(width, width);
  for (let i = 0; i < width; i += 1) {
    for (let j = 0; j < width; j += 1) {
      let sum = 0;
      for (let r = 0; r < a.rows; r += 1) {
        sum += q[r * width + i]! * aq2[r * width + j]!;
      }
      c.set(i, j, sum);
    }
  }
  const svd = new SingularValueDecomposition(c, { computeLeftSingularVectors: false });
  const w = svd.rightSingularVectors;
  // V = Q₂·W, keeping the first `rank` columns.
  const rightVectors = new Float64Array(a.columns * rank);
  for (let t = 0; t < a.columns; t += 1) {
    for (let d = 0; d < rank; d += 1) {
      let sum = 0;
      for (let j = 0; j < width; j += 1) {
        sum += q2[t * width + j]! * w.get(j, d);
      }
      rightVectors[t * rank + d] = sum;
    }
  }
  return { singularValues: Float64Array.from(svd.diagonal.slice(0, rank)), rightVectors };
}

/**
 * Orthonormal columns spanning those of the row-major `rows` × `width` matrix m, by modified
 * Gram–Schmidt applied twice. A column that is (numerically) in the span of the earlier ones
 * becomes zero rather than noise, so a rank-deficient A yields zero trailing directions.
 */
export function orthonormalize(m: Float64Array, rows: number, width: number): Float64Array {
  const columns = Array.from({ length: width }, (_, c) => {
    const column = new Float64Array(rows);
    for (let r = 0; r < rows; r += 1) {
      column[r] = m[r * width + c]!;
    }
    return column;
  });
  for (let c = 0; c < width; c += 1) {
    const column = columns[c]!;
    const before = norm(column);
    for (let pass = 0; pass < 2; pass += 1) {
      for (let p = 0; p < c; p += 1) {
        const previous = columns[p]!;
        const projection = dot(previous, column);
        for (let r = 0; r < rows; r += 1) {
          column[r]! -= projection * previous[r]!;
        }
      }
    }
    const after = norm(column);
    const scale = after > 1e-10 * Math.max(before, Number.MIN_VALUE) ? 1 / after : 0;
    for (let r = 0; r < rows; r += 1) {
      column[r]! *= scale;
    }
  }
  const out = new Float64Array(rows * width);
  columns.forEach((column, c) => {
    for (let r = 0; r < rows; r += 1) {
      out[r * width + c] = column[r]!;
    }
  });
  return out;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) {
    sum += a[i]! * b[i]!;
  }
  return sum;
}

function norm(a: Float64Array): number {
  return Math.sqrt(dot(a, a));
}

/**
 * Standard normal deviates from a seeded mulberry32 generator (Box–Muller). Mulberry32 is not
 * for cryptography; it only has to be fast, well spread and the same on every machine.
 */
function gaussian(seed: number): () => number {
  const uniform = mulberry32(seed);
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const value = spare;
      spare = null;
      return value;
    }
    const u = 1 - uniform();
    const v = uniform();
    const radius = Math.sqrt(-2 * Math.log(u));
    spare = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  };
}
