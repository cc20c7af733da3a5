import { columnView, type InteractionMatrix } from './interactions.js';
import { type ItemItemModel } from './item-item.js';
import { sparsifyRows } from './sparsify.js';

/**
 * Cosine item-kNN (Sarwar et al. 2001; Deshpande & Karypis 2004), the classic baseline:
 * w(i → j) = Σ_u x_ui·x_uj / (‖x_i‖·‖x_j‖) over the item columns of X, keeping each item's
 * `neighbours` most similar items. `shrink` damps similarities resting on few common users
 * (Koren 2008): w · co/(co + shrink), with `co` the count of common users.
 */
export function fitItemKnn(
  matrix: InteractionMatrix,
  options: { neighbours?: number; shrink?: number } = {},
): ItemItemModel {
  const { neighbours = 200, shrink = 0 } = options;
  const n = matrix.items.length;
  const byItem = columnView(matrix);
  const norm = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let sum = 0;
    for (let p = byItem.columnStart[j]!; p < byItem.columnStart[j + 1]!; p++) {
      sum += byItem.values[p]! * byItem.values[p]!;
    }
    norm[j] = Math.sqrt(sum);
  }
  const common = new Float64Array(n);
  const { rowStart, columns, values } = matrix;
  return sparsifyRows(
    matrix.items,
    (i, out) => {
      out.fill(0);
      common.fill(0);
      for (let p = byItem.columnStart[i]!; p < byItem.columnStart[i + 1]!; p++) {
        const u = byItem.rows[p]!;
        const xui = byItem.values[p]!;
        for (let q = rowStart[u]!; q < rowStart[u + 1]!; q++) {
          out[columns[q]!]! += xui * values[q]!;
          common[columns[q]!]!++;
        }
      }
      for (let j = 0; j < n; j++) {
        if (out[j] !== 0) {
          const damping = shrink > 0 ? common[j]! / (common[j]! + shrink) : 1;
          out[j] = (damping * out[j]!) / (norm[i]! * norm[j]!);
        }
      }
    },
    { neighbours },
  );
}
