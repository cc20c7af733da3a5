/** Returns one value per key, in key order; a key without a row maps to `null` (DataLoader's contract). */
export function alignToKeys<K, V>(
  keys: readonly K[],
  rows: readonly V[],
  keyOf: (row: V) => K,
): (V | null)[] {
  const byKey = new Map(rows.map((row) => [keyOf(row), row] as const));
  return keys.map((key) => byKey.get(key) ?? null);
}

/** Groups rows by key and returns one (possibly empty) list per key, in key order. */
export function groupToKeys<K, V>(
  keys: readonly K[],
  rows: readonly V[],
  keyOf: (row: V) => K,
): V[][] {
  const byKey = new Map<K, V[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = byKey.get(key);
    if (group) {
      group.push(row);
    } else {
      byKey.set(key, [row]);
    }
  }
  return keys.map((key) => byKey.get(key) ?? []);
}

/** One row per id, the last one winning: an item changed twice in a batch ends as changed last. */
export function latestById<R extends { id: string }>(rows: readonly R[]): R[] {
  return [...new Map(rows.map((row) => [row.id, row])).values()];
}
