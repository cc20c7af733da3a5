/**
 * A sparse matrix in compressed sparse row form (CSR): row `i` holds `values[k]` at column
 * `columns[k]` for `k` in `[rowStart[i], rowStart[i + 1])`. Dense operands of the products are
 * row-major Float64Arrays with `width` columns.
 */
export interface SparseRows {
  readonly rows: number;
  readonly columns: number;
  readonly rowStart: Int32Array;
  readonly columnIndex: Int32Array;
  readonly values: Float64Array;
}

/** Builds a CSR matrix from per-row `[column, value]` entries (columns within a row distinct). */
export function sparseRows(
  columns: number,
  entries: readonly (readonly (readonly [number, number])[])[],
): SparseRows {
  const rowStart = new Int32Array(entries.length + 1);
  entries.forEach((row, i) => (rowStart[i + 1] = rowStart[i]! + row.length));
  const columnIndex = new Int32Array(rowStart[entries.length]!);
  const values = new Float64Array(columnIndex.length);
  entries.forEach((row, i) => {
    row.forEach(([column, value], j) => {
      columnIndex[rowStart[i]! + j] = column;
      values[rowStart[i]! + j] = value;
    });
  });
  return { rows: entries.length, columns, rowStart, columnIndex, values };
}

/** A·X for X of `a.columns` × `width`; returns `a.rows` × `width`. */
export function multiply(a: SparseRows, x: Float64Array, width: number): Float64Array {
  const out = new Float64Array(a.rows * width);
  for (let i = 0; i < a.rows; i += 1) {
    const target = i * width;
    for (let k = a.rowStart[i]!; k < a.rowStart[i + 1]!; k += 1) {
      const value = a.values[k]!;
      const source = a.columnIndex[k]! * width;
      for (let c = 0; c < width; c += 1) {
        out[target + c]! += value * x[source + c]!;
      }
    }
  }
  return out;
}

/** Aᵀ·Y for Y of `a.rows` × `width`; returns `a.columns` × `width`, without forming Aᵀ. */
export function transposeMultiply(a: SparseRows, y: Float64Array, width: number): Float64Array {
  const out = new Float64Array(a.columns * width);
  for (let i = 0; i < a.rows; i += 1) {
    const source = i * width;
    for (let k = a.rowStart[i]!; k < a.rowStart[i + 1]!; k += 1) {
      const value = a.values[k]!;
      const target = a.columnIndex[k]! * width;
      for (let c = 0; c < width; c += 1) {
        out[target + c]! += value * y[source + c]!;
      }
    }
  }
  return out;
}
