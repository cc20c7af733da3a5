/** One customer–item signal; `weight` is 1 for a plain positive (a purchase, a 4-star rating). */
export interface Interaction {
  userId: string;
  itemId: string;
  weight: number;
}

/**
 * The user × item matrix X in compressed sparse rows: row `u` holds the items of `users[u]` at
 * `columns[rowStart[u] .. rowStart[u + 1])` (ascending) with their `values`. Ids become dense
 * indexes once here, so the models work on typed arrays and never on strings.
 */
export interface InteractionMatrix {
  readonly users: readonly string[];
  readonly items: readonly string[];
  readonly userIndex: ReadonlyMap<string, number>;
  readonly itemIndex: ReadonlyMap<string, number>;
  readonly rowStart: Int32Array;
  readonly columns: Int32Array;
  readonly values: Float64Array;
}

/** The same matrix by columns: item `i`'s users at `rows[columnStart[i] .. columnStart[i + 1])`. */
export interface ColumnView {
  readonly columnStart: Int32Array;
  readonly rows: Int32Array;
  readonly values: Float64Array;
}

/**
 * Builds X from interactions, summing the weights of a repeated (user, item) pair (two purchases
 * of one item are a stronger signal, not two rows). Users and items are indexed in order of first
 * appearance, so the same input always yields the same matrix.
 */
export function buildInteractionMatrix(interactions: Iterable<Interaction>): InteractionMatrix {
  const userIndex = new Map<string, number>();
  const itemIndex = new Map<string, number>();
  const rows: Map<number, number>[] = [];
  for (const { userId, itemId, weight } of interactions) {
    let user = userIndex.get(userId);
    if (user === undefined) {
      user = userIndex.size;
      userIndex.set(userId, user);
      rows.push(new Map());
    }
    let item = itemIndex.get(itemId);
    if (item === undefined) {
      item = itemIndex.size;
      itemIndex.set(itemId, item);
    }
    const row = rows[user]!;
    row.set(item, (row.get(item) ?? 0) + weight);
  }

  const rowStart = new Int32Array(rows.length + 1);
  rows.forEach((row, user) => (rowStart[user + 1] = rowStart[user]! + row.size));
  const columns = new Int32Array(rowStart[rows.length]!);
  const values = new Float64Array(columns.length);
  rows.forEach((row, user) => {
    const sorted = [...row.entries()].sort((a, b) => a[0] - b[0]);
    sorted.forEach(([item, weight], offset) => {
      columns[rowStart[user]! + offset] = item;
      values[rowStart[user]! + offset] = weight;
    });
  });
  return {
    users: [...userIndex.keys()],
    items: [...itemIndex.keys()],
    userIndex,
    itemIndex,
    rowStart,
    columns,
    values,
  };
}

/** Transposes X (counting sort by item), for the models that walk an item's users. */
export function columnView(matrix: InteractionMatrix): ColumnView {
  const n = matrix.items.length;
  const columnStart = new Int32Array(n + 1);
  for (const item of matrix.columns) {
    columnStart[item + 1]!++;
  }
  for (let i = 0; i < n; i++) {
    columnStart[i + 1]! += columnStart[i]!;
  }
  const next = columnStart.slice(0, n);
  const rows = new Int32Array(matrix.columns.length);
  const values = new Float64Array(matrix.columns.length);
  for (let user = 0; user < matrix.users.length; user++) {
    for (let p = matrix.rowStart[user]!; p < matrix.rowStart[user + 1]!; p++) {
      const at = next[matrix.columns[p]!]!++;
      rows[at] = user;
      values[at] = matrix.values[p]!;
    }
  }
  return { columnStart, rows, values };
}
