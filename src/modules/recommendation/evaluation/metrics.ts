/**
 * Top-K accuracy metrics for one user, binary relevance: `ranked` is the recommendation list
 * (best first, at least its first K entries are used), `relevant` the user's held-out items.
 * Each returns 0 for a user with nothing held out rather than dividing by zero; the harness
 * only evaluates users with held-out items.
 */

/** Relevant items in the top K, over the most that could be there: min(K, |relevant|). */
export function recallAt(
  k: number,
  ranked: readonly string[],
  relevant: ReadonlySet<string>,
): number {
  const possible = Math.min(k, relevant.size);
  return possible === 0 ? 0 : hits(k, ranked, relevant) / possible;
}

/**
 * Normalised discounted cumulative gain: Σ 1/log2(rank + 1) over the relevant items in the top
 * K, over the same sum for an ideal list with min(K, |relevant|) relevant items first.
 */
export function ndcgAt(
  k: number,
  ranked: readonly string[],
  relevant: ReadonlySet<string>,
): number {
  let dcg = 0;
  ranked.slice(0, k).forEach((item, rank) => {
    if (relevant.has(item)) {
      dcg += 1 / Math.log2(rank + 2);
    }
  });
  let ideal = 0;
  for (let rank = 0; rank < Math.min(k, relevant.size); rank++) {
    ideal += 1 / Math.log2(rank + 2);
  }
  return ideal === 0 ? 0 : dcg / ideal;
}

/** 1 when at least one relevant item is in the top K, else 0. */
export function hitRateAt(
  k: number,
  ranked: readonly string[],
  relevant: ReadonlySet<string>,
): number {
  return hits(k, ranked, relevant) > 0 ? 1 : 0;
}

/** Distinct items recommended (top K of every list) over the catalogue's size. */
export function catalogueCoverage(
  k: number,
  lists: Iterable<readonly string[]>,
  catalogueSize: number,
): number {
  const seen = new Set<string>();
  for (const list of lists) {
    list.slice(0, k).forEach((item) => seen.add(item));
  }
  return catalogueSize === 0 ? 0 : seen.size / catalogueSize;
}

function hits(k: number, ranked: readonly string[], relevant: ReadonlySet<string>): number {
  return ranked.slice(0, k).filter((item) => relevant.has(item)).length;
}
