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
    const since = windowDays === null ? null : new Date(Date.now() - windowDays * DAY_MS);
    return this.cached(key, () => this.history.popular({ kind, since, category, limit }));
  }

  private cached(key: string, read: () => Promise<PopularItem[]>): Promise<PopularItem[]> {
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit !== undefined && now - hit.at < TTL_MS) {
      return hit.items;
    }
    const items = read();
    // A failed read is not remembered: the next request tries again.
    items.catch(() => this.cache.delete(key));
    this.cache.set(key, { at: now, items });
    return items;
  }

  /**
   * What people choose around this moment: the hour before, of and after `at` (UTC, as
   * events are stored) in `at`'s season. Cached like the others.
   */
  atMoment(kind: ItemKind, at: Date, limit: number): Promise<PopularItem[]> {
    const hour = at.getUTCHours();
    const hours = [(hour + 23) % 24, hour, (hour + 1) % 24];
    const months = seasonOf(at.getUTCMonth() + 1).months;
    const key = `${kind}|moment|${hour}|${months.join(',')}|${limit}`;
    return this.cached(key, () => this.history.popularAt({ kind, hours, months, limit }));
  }

  /** Forgets every ranking (after a bulk load or a refit). */
  clear(): void {
    this.cache.clear();
  }
}

/** Meteorological seasons of the northern hemisphere, by month (1–12). */
const SEASONS: readonly { name: string; months: readonly number[] }[] = [
  { name: 'winter', months: [12, 1, 2] },
  { name: 'spring', months: [3, 4, 5] },
  { name: 'summer', months: [6, 7, 8] },
  { name: 'autumn', months: [9, 10, 11] },
];

/** The season a month (1–12) is in. */
export function seasonOf(month: number): { name: string; months: readonly number[] } {
  return SEASONS.find((season) => season.months.includes(month))!;
}
