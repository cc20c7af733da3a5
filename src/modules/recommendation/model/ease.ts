import { columnView, type ColumnView, type InteractionMatrix } from './interactions.js';
import { type ItemItemModel } from './item-item.js';
import { sparsifyRows, type SparsifyOptions } from './sparsify.js';
import { invertSymmetricPositiveDefinite } from './spd-inverse.js';

export interface EaseOptions {
  /** L2 regularisation λ; choose it on a validation split (evaluation/baselines.ts). */
  lambda: number;
  /**
   * Largest dense matrix inverted, as a side: 2,500² doubles are 50 MB and ~10 s. With more
   * users than that and more items too, only the `maxItems` most popular items are modelled.
   */
  maxItems?: number;
  /** `woodbury` inverts the users' m × m matrix, `gram` the items' n × n; `auto` picks the smaller. */
  method?: 'auto' | 'woodbury' | 'gram';
  /**
   * EDLAE's dropout probability p in [0, 1) (Steck 2020, "Autoencoders that don't overfit
   * towards the identity"): item j is regularised by λ + p/(1 − p)·G_jj instead of λ, G = XᵀX,
   * so popular items, whose weights the data would otherwise trust most, are held back more.
   * 0 (the default) is plain EASE.
   */
  dropout?: number;
}

/** Exact (dense, unsparsified) EASE: the baseline, and the source of the sparse serving model. */
export interface EaseScorer {
  readonly lambda: number;
  /** EDLAE's dropout probability; 0 for plain EASE. */
  readonly dropout: number;
  readonly method: 'woodbury' | 'gram';
  /** The modelled items; `scoreUser` returns one score per entry, in this order. */
  readonly items: readonly string[];
  /** Scores of every modelled item for a history (item → weight): Σᵢ h_i·B[i, j]. */
  scoreUser(history: ReadonlyMap<string, number>): Float64Array;
  /** Row i of B, dense, into `out` (B[i, i] = 0). */
  row(item: number, out: Float64Array): void;
  /** Keeps the weights of largest magnitude, by default `neighbours` per item on average. */
  sparsify(neighbours: number, allocation?: SparsifyOptions['allocation']): ItemItemModel;
}

export const DEFAULT_MAX_ITEMS = 2_500;
export const DEFAULT_NEIGHBOURS = 200;

/**
 * EASE (Steck 2019, "Embarrassingly Shallow Autoencoders for Sparse Data"): the item-item
 * weights B minimising ‖X − XB‖² + λ‖B‖² with diag(B) = 0, in closed form
 * B = I − P·diag(1/diag P), P = (XᵀX + λI)⁻¹, sparsified to `neighbours` per item on average
 * for serving (see sparsifyRows).
 */
export function fitEase(
  matrix: InteractionMatrix,
  options: EaseOptions & { neighbours?: number },
): ItemItemModel {
  return fitEaseExact(matrix, options).sparsify(options.neighbours ?? DEFAULT_NEIGHBOURS);
}

/**
 * Fits exact EASE. With m users ≤ n items (and m ≤ maxItems) it never forms the n × n inverse:
 * by Woodbury, P = (1/λ)(I − XᵀKX) with K = (λI_m + XXᵀ)⁻¹, so only K is dense and each row
 * of B is computed on demand from the sparse X. Otherwise it inverts the Gram matrix of the
 * `maxItems` most popular items; the rest get no collaborative score.
 */
export function fitEaseExact(matrix: InteractionMatrix, options: EaseOptions): EaseScorer {
  const { lambda, maxItems = DEFAULT_MAX_ITEMS, method = 'auto', dropout = 0 } = options;
  if (!(lambda > 0)) {
    throw new Error(`fitEase: lambda must be positive, got ${lambda}`);
  }
  if (!(dropout >= 0 && dropout < 1)) {
    throw new Error(`fitEase: dropout must be in [0, 1), got ${dropout}`);
  }
  const m = matrix.users.length;
  const n = matrix.items.length;
  const woodbury = method === 'woodbury' || (method === 'auto' && m <= n && m <= maxItems);
  const fit = (x: InteractionMatrix, l: number) =>
    woodbury ? fitWoodbury(x, l) : fitGram(x, l, maxItems);
  return dropout === 0 ? fit(matrix, lambda) : fitEdlae(matrix, lambda, dropout, fit);
}

/**
 * EDLAE by rescaling: with D = diag(λ + p/(1 − p)·G_jj) and X̃ = X·D^(−1/2), EASE at λ = 1 on X̃
 * inverts X̃ᵀX̃ + I = D^(−1/2)(XᵀX + D)D^(−1/2), so its weights are B̃[i, j] = B[i, j]·√(d_i/d_j).
 * Both inversion methods then serve unchanged, each weight scaled back on the way out.
 */
function fitEdlae(
  matrix: InteractionMatrix,
  lambda: number,
  dropout: number,
  fit: (x: InteractionMatrix, lambda: number) => EaseScorer,
): EaseScorer {
  const scale = new Float64Array(matrix.items.length);
  matrix.columns.forEach((j, p) => (scale[j]! += matrix.values[p]! ** 2));
  scale.forEach((gram, j) => (scale[j] = Math.sqrt(lambda + (dropout / (1 - dropout)) * gram)));
  const values = matrix.values.map((v, p) => v / scale[matrix.columns[p]!]!);
  const scaled = fit({ ...matrix, values }, 1);
  // The scorer's own item order (popularity for `gram`) → the matrix's.
  const root = Float64Array.from(scaled.items, (item) => scale[matrix.itemIndex.get(item)!]!);

  const row = (i: number, out: Float64Array) => {
    scaled.row(i, out);
    out.forEach((w, j) => (out[j] = (w * root[j]!) / root[i]!));
  };
  const scoreUser = (history: ReadonlyMap<string, number>) => {
    const scaledHistory = new Map<string, number>();
    for (const [itemId, weight] of history) {
      const j = matrix.itemIndex.get(itemId);
      if (j !== undefined) {
        scaledHistory.set(itemId, weight / scale[j]!);
      }
    }
    const scores = scaled.scoreUser(scaledHistory);
    scores.forEach((s, j) => (scores[j] = s * root[j]!));
    return scores;
  };
  return scorer(lambda, dropout, scaled.method, scaled.items, row, scoreUser);
}

function fitWoodbury(matrix: InteractionMatrix, lambda: number): EaseScorer {
  const m = matrix.users.length;
  const n = matrix.items.length;
  const byItem = columnView(matrix);
  const { rowStart, columns, values } = matrix;

  // XXᵀ + λI, from each item's pairs of users.
  const a = new Float64Array(m * m);
  eachColumn(byItem, n, (users, weights) => {
    for (let p = 0; p < users.length; p++) {
      const row = users[p]! * m;
      for (let q = 0; q < users.length; q++) {
        a[row + users[q]!]! += weights[p]! * weights[q]!;
      }
    }
  });
  for (let u = 0; u < m; u++) {
    a[u * m + u]! += lambda;
  }
  const k = invertSymmetricPositiveDefinite(a, m);

  // G = XᵀKX; its diagonal gives diag P = (1 − G_jj)/λ.
  const gDiagonal = new Float64Array(n);
  eachColumn(byItem, n, (users, weights, j) => {
    let sum = 0;
    for (let p = 0; p < users.length; p++) {
      const row = users[p]! * m;
      for (let q = 0; q < users.length; q++) {
        sum += weights[p]! * weights[q]! * k[row + users[q]!]!;
      }
    }
    gDiagonal[j] = sum;
  });

  /** (zᵀK)X for a user-space vector z: Σ_u (Kz)_u · X[u, :]. */
  const throughK = (z: Float64Array, out: Float64Array) => {
    const y = new Float64Array(m);
    for (let u = 0; u < m; u++) {
      const zu = z[u]!;
      if (zu !== 0) {
        const row = u * m;
        for (let v = 0; v < m; v++) {
          y[v]! += zu * k[row + v]!;
        }
      }
    }
    out.fill(0);
    for (let u = 0; u < m; u++) {
      const yu = y[u]!;
      for (let p = rowStart[u]!; p < rowStart[u + 1]!; p++) {
        out[columns[p]!]! += yu * values[p]!;
      }
    }
  };

  const row = (i: number, out: Float64Array) => {
    // Row i of G is x_iᵀKX, x_i being item i's column; B[i, j] = G[i, j] / (1 − G[j, j]).
    const z = new Float64Array(m);
    for (let p = byItem.columnStart[i]!; p < byItem.columnStart[i + 1]!; p++) {
      z[byItem.rows[p]!] = byItem.values[p]!;
    }
    throughK(z, out);
    for (let j = 0; j < n; j++) {
      out[j] = out[j]! / (1 - gDiagonal[j]!);
    }
    out[i] = 0;
  };

  const scoreUser = (history: ReadonlyMap<string, number>) => {
    // hB = h − (hP)/diag P with hP = (h − (Xh)ᵀKX)/λ; Xh is a vector over users.
    const h = new Float64Array(n);
    const z = new Float64Array(m);
    for (const [itemId, weight] of history) {
      const i = matrix.itemIndex.get(itemId);
      if (i === undefined) {
        continue;
      }
      h[i]! += weight;
      for (let p = byItem.columnStart[i]!; p < byItem.columnStart[i + 1]!; p++) {
        z[byItem.rows[p]!]! += weight * byItem.values[p]!;
      }
    }
    const scores = new Float64Array(n);
    throughK(z, scores);
    for (let j = 0; j < n; j++) {
      scores[j] = h[j]! - (h[j]! - scores[j]!) / (1 - gDiagonal[j]!);
    }
    return scores;
  };

  return scorer(lambda, 0, 'woodbury', matrix.items, row, scoreUser);
}

function fitGram(matrix: InteractionMatrix, lambda: number, maxItems: number): EaseScorer {
  const modelled = mostPopular(columnView(matrix), matrix.items.length, maxItems);
  const n = modelled.length;
  const position = new Int32Array(matrix.items.length).fill(-1);
  modelled.forEach((item, p) => (position[item] = p));

  // XᵀX + λI over the modelled items, from each user's pairs of items.
  const g = new Float64Array(n * n);
  const { rowStart, columns, values } = matrix;
  const inRow: number[] = [];
  const inRowWeight: number[] = [];
  for (let u = 0; u < matrix.users.length; u++) {
    inRow.length = 0;
    inRowWeight.length = 0;
    for (let p = rowStart[u]!; p < rowStart[u + 1]!; p++) {
      const at = position[columns[p]!]!;
      if (at >= 0) {
        inRow.push(at);
        inRowWeight.push(values[p]!);
      }
    }
    for (let p = 0; p < inRow.length; p++) {
      const row = inRow[p]! * n;
      for (let q = 0; q < inRow.length; q++) {
        g[row + inRow[q]!]! += inRowWeight[p]! * inRowWeight[q]!;
      }
    }
  }
  for (let i = 0; i < n; i++) {
    g[i * n + i]! += lambda;
  }
  const p = invertSymmetricPositiveDefinite(g, n);
  // B = I − P·diag(1/diag P), stored dense: B[i, j] = −P[i, j] / P[j, j], zero diagonal.
  const b = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      b[i * n + j] = i === j ? 0 : -p[i * n + j]! / p[j * n + j]!;
    }
  }
  const items = modelled.map((item) => matrix.items[item]!);
  const index = new Map(items.map((item, at) => [item, at]));

  const row = (i: number, out: Float64Array) => out.set(b.subarray(i * n, (i + 1) * n));
  const scoreUser = (history: ReadonlyMap<string, number>) => {
    const scores = new Float64Array(n);
    for (const [itemId, weight] of history) {
      const i = index.get(itemId);
      if (i !== undefined) {
        for (let j = 0; j < n; j++) {
          scores[j]! += weight * b[i * n + j]!;
        }
      }
    }
    return scores;
  };
  return scorer(lambda, 0, 'gram', items, row, scoreUser);
}

function scorer(
  lambda: number,
  dropout: number,
  method: 'woodbury' | 'gram',
  items: readonly string[],
  row: (item: number, out: Float64Array) => void,
  scoreUser: (history: ReadonlyMap<string, number>) => Float64Array,
): EaseScorer {
  return {
    lambda,
    dropout,
    method,
    items,
    row,
    scoreUser,
    sparsify: (neighbours, allocation = 'average') =>
      sparsifyRows(items, row, { neighbours, allocation }),
  };
}

function eachColumn(
  byItem: ColumnView,
  n: number,
  visit: (users: Int32Array, weights: Float64Array, item: number) => void,
): void {
  for (let j = 0; j < n; j++) {
    const start = byItem.columnStart[j]!;
    const end = byItem.columnStart[j + 1]!;
    visit(byItem.rows.subarray(start, end), byItem.values.subarray(start, end), j);
  }
}

/** Indexes of the `limit` items with the most users, most popular first (ties: lower index). */
function mostPopular(byItem: ColumnView, n: number, limit: number): number[] {
  const order = Array.from({ length: n }, (_, item) => item);
  const users = (item: number) => byItem.columnStart[item + 1]! - byItem.columnStart[item]!;
  order.sort((a, b) => users(b) - users(a) || a - b);
  return order.slice(0, limit);
}
