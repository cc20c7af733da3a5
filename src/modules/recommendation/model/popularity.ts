import { type InteractionMatrix } from './interactions.js';
import { topK } from './top-k.js';

/**
 * Distinct customers per item: the MostPopular baseline, and what a customer with no usable
 * history is shown (cold start). A repeated purchase by one customer counts once, so a single
 * heavy buyer cannot make an item "popular".
 */
export class PopularityModel {
  private readonly counts: Float64Array;
  private readonly index: ReadonlyMap<string, number>;

  constructor(
    readonly items: readonly string[],
    counts: ArrayLike<number>,
  ) {
    this.counts = Float64Array.from(counts);
    this.index = new Map(items.map((item, i) => [item, i]));
  }

  static fit(matrix: InteractionMatrix): PopularityModel {
    const counts = new Float64Array(matrix.items.length);
    for (const item of matrix.columns) {
      counts[item]!++;
    }
    return new PopularityModel(matrix.items, counts);
  }

  /** Customers who have the item; 0 for an item never seen. */
  count(itemId: string): number {
    const i = this.index.get(itemId);
    return i === undefined ? 0 : this.counts[i]!;
  }

  /** The count of the most popular item (at least 1), for scaling popularity into [0, 1]. */
  get maxCount(): number {
    return this.counts.reduce((max, count) => Math.max(max, count), 1);
  }

  /** The `k` most popular items not in `exclude`, most popular first (ties: first seen first). */
  top(k: number, exclude: ReadonlySet<string>): { itemId: string; score: number }[] {
    return topK(this.counts, k, { accept: (i) => !exclude.has(this.items[i]!) }).map((i) => ({
      itemId: this.items[i]!,
      score: this.counts[i]!,
    }));
  }
}
