// The dashboard trend's ranges (README "Real-time protocol", trend): the live `risk_trends`
// section always covers the last 30 days; a longer range (90 or 365 days) is read once —
// GET /api/v1/dashboard?trend_days=90 — and the live points are then laid over it, so the long
// series keeps moving without being sent again. Imports nothing (the browser uses it).

/** The ranges a client may ask for, in days (30: the live section as it is). */
export const TREND_DAYS = [30, 90, 365] as const;
export type TrendDays = (typeof TREND_DAYS)[number];
/** What the live `risk_trends` section covers. */
export const LIVE_TREND_DAYS: TrendDays = 30;

/** A trend point, as `risk_trends` carries it. */
export interface TrendPointData {
  date: string;
  score: number;
}

/**
 * The long series `long` (read once) with the live points laid over it: a live day replaces the
 * same day, a new day is appended, and the oldest fall off so that `days` points remain.
 *
 * @example
 * mergeTrend([{date:"2026-01-01",score:1},{date:"2026-01-02",score:2}], [{date:"2026-01-02",score:3},{date:"2026-01-03",score:4}], 2);
 * // [{date:"2026-01-02",score:3},{date:"2026-01-03",score:4}]
 */
export function mergeTrend(long: readonly TrendPointData[], live: readonly TrendPointData[], days: number): TrendPointData[] {
  const byDay = new Map(long.map((p) => [p.date, p]));
  for (const p of live) byDay.set(p.date, p);
  return [...byDay.values()].sort((a, b) => a.date.localeCompare(b.date)).slice(-days);
}
