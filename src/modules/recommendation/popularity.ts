import type { HistoryStore } from './history.store.js';
import type { ItemKind } from './recommendation.kinds.js';

export interface PopularItem {
  itemId: string;
  customers: number;
}

/** How long one instance reuses a popularity ranking: it moves slowly and costs a scan. */
const TTL_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * Popularity rankings (distinct customers with a positive interaction), cached per kind,
 * window and category on this instance. A recent window ranks what is popular now; when it
 * holds too little (a quiet or historical catalogue), the all-time ranking stands in.
 */
export class PopularityRankings {
  private readonly cache = new Map<string, { at: number; items: Promise<PopularItem[]> }>();

  constructor(private readonly history: HistoryStore) {}

  /** The cold-start ranking: the last 30 days, or all time when those hold under 20 items. */
  async current(kind: ItemKind, limit: number): Promise<PopularItem[]> {
    const recent = await this.ranking(kind, 30, null, limit);
    return recent.length >= Math.min(20, limit) ? recent : this.ranking(kind, null, null, limit);
  }

  /** Items by distinct customers within the last `windowDays` (null: all time). */
  ranking(
    kind: ItemKind,
    windowDays: number | null,
    category: string | null,
    limit: number,
  ): Promise<PopularItem[]> {
    const key = `${kind}|${windowDays}|${category}|${limit}`;
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit !== undefined && now - hit.at < TTL_MS) {
      return hit.items;
    }
    const since = windowDays === null ? null : new Date(now - windowDays * DAY_MS);
    const items = this.history.popular({ kind, since, category, limit });
    // A failed read is not remembered: the next request tries again.
    items.catch(() => this.cache.delete(key));
    this.cache.set(key, { at: now, items });
    return items;
  }

  /** Forgets every ranking (after a bulk load or a refit). */
  clear(): void {
    this.cache.clear();
  }
}
