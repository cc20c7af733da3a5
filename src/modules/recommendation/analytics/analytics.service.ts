import { ErrorCode, GatewayError } from '../../../errors.js';
import type { AnalyticsStore, AnalyticsWindow, FunnelRow } from './analytics.store.js';
import { CtrBase, type SurfaceFunnel, type VariantFunnel } from './analytics.type.js';
import type { RecommendationSurface } from '../recommendation.kinds.js';
import { wilsonInterval } from './wilson.js';

const DAY_MS = 86_400_000;
/** The window when none is given. */
const DEFAULT_DAYS = 30;
/** The longest window: a year and a day, so that a leap year's same date still fits. */
const MAX_DAYS = 366;

/**
 * The report window: `until` defaults to now, `since` to DEFAULT_DAYS before `until`.
 *
 * @throws GatewayError BAD_USER_INPUT when since is not before until or the window is longer
 *   than MAX_DAYS days.
 */
export function analyticsWindow(
  since: Date | null,
  until: Date | null,
  now = new Date(),
): AnalyticsWindow {
  const end = until ?? now;
  const start = since ?? new Date(end.getTime() - DEFAULT_DAYS * DAY_MS);
  if (start.getTime() >= end.getTime()) {
    throw new GatewayError(ErrorCode.BAD_USER_INPUT, 'since must be before until', {
      extensions: { argument: 'since' },
    });
  }
  if (end.getTime() - start.getTime() > MAX_DAYS * DAY_MS) {
    throw new GatewayError(ErrorCode.BAD_USER_INPUT, `the window is at most ${MAX_DAYS} days`, {
      extensions: { argument: 'since' },
    });
  }
  return { since: start, until: end };
}

/**
 * The funnels of a report. Click-through divides by viewed answers when any
 * recommendation_view event was sent in the window (clients that send them send them for all
 * surfaces), by computed answers otherwise; `ctrBase` says which.
 */
export class AnalyticsService {
  constructor(private readonly store: AnalyticsStore) {}

  async bySurface(window: AnalyticsWindow): Promise<SurfaceFunnel[]> {
    const rows = await this.store.funnel(window, 'surface');
    const base = ctrBaseOf(rows);
    return rows.map((row) => ({
      ...counts(row, base),
      surface: row.key as RecommendationSurface,
      ctr: wilsonInterval(row.clicks, denominator(row, base))?.value ?? null,
      conversion: wilsonInterval(row.purchases, row.clicks)?.value ?? null,
    }));
  }

  async byVariant(window: AnalyticsWindow): Promise<VariantFunnel[]> {
    const rows = await this.store.funnel(window, 'variant');
    const base = ctrBaseOf(rows);
    return rows.map((row) => ({
      ...counts(row, base),
      variant: row.key,
      ctr: wilsonInterval(row.clicks, denominator(row, base)),
      conversion: wilsonInterval(row.purchases, row.clicks),
    }));
  }
}

const ctrBaseOf = (rows: readonly FunnelRow[]): CtrBase =>
  rows.some((row) => row.viewEvents > 0) ? CtrBase.VIEWS : CtrBase.IMPRESSIONS;

const denominator = (row: FunnelRow, base: CtrBase): number =>
  base === CtrBase.VIEWS ? row.views : row.impressions;

const counts = (row: FunnelRow, ctrBase: CtrBase) => ({
  impressions: row.impressions,
  views: row.views,
  clicks: row.clicks,
  purchases: row.purchases,
  ctrBase,
});
