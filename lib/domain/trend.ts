// The dashboard's 30-day trend: one row per UTC day holding the average score of open risks
// as of the last change that day. Kept current inside every risk write's transaction, so
// reading the trend costs 30 rows however many risks or score changes there are.
import type { Db, Tx } from "../db/client";
import { lastDays, round, utcDay } from "./time";

/** Scores have at most 4 decimals: summed as integers of 1/10000, averages are exact and order-free. */
export const SCORE_UNIT = 10_000;
export const scoreUnits = (score: number) => Math.round(score * SCORE_UNIT);
export const averageOf = (units: number, count: number) => (count === 0 ? 0 : units / SCORE_UNIT / count);

/** The open risks' count and exact score sum (in SCORE_UNITs). */
export async function openScoreTotals(tx: Db | Tx): Promise<{ count: number; units: number }> {
  const rows = await tx.$queryRaw<{ n: number | bigint; units: number | bigint | null }[]>`
    SELECT COUNT(*) AS n, SUM(CAST(ROUND("score" * 10000) AS BIGINT)) AS units FROM "Risk" WHERE "status" = 'open'`;
  const r = rows[0];
  return { count: Number(r?.n ?? 0), units: Number(r?.units ?? 0) };
}

/** Today's trend value as stored by refreshTodayTrend, from the open risks' totals. */
export const trendValue = (t: { count: number; units: number }) => round(averageOf(t.units, t.count), 4);

export async function refreshTodayTrend(tx: Tx, now: Date): Promise<void> {
  const totals = await openScoreTotals(tx);
  const day = utcDay(now);
  const values = { averageScore: trendValue(totals), openRisks: totals.count };
  await tx.riskTrendDay.upsert({ where: { day }, create: { day, ...values }, update: values });
}

export interface TrendPoint {
  date: string;
  score: number;
}

/**
 * `days` points ending today. A day with no row carries the previous day's value forward
 * (nothing changed that day); days before the first row are 0.
 */
export async function readTrend(db: Db | Tx, now: Date, days = 30): Promise<TrendPoint[]> {
  const window = lastDays(now, days);
  const [rows, before] = await Promise.all([
    db.riskTrendDay.findMany({ where: { day: { gte: window[0]! } }, orderBy: { day: "asc" } }),
    db.riskTrendDay.findFirst({ where: { day: { lt: window[0]! } }, orderBy: { day: "desc" } }),
  ]);
  const byDay = new Map(rows.map((r) => [r.day, r.averageScore]));
  let carry = before?.averageScore ?? 0;
  return window.map((date) => {
    carry = byDay.get(date) ?? carry;
    return { date, score: round(carry) };
  });
}

/** Percent change of the last 7 days' average vs the 7 days before (0 when there is no base). */
export function trendingUpPercent(trend: TrendPoint[]): number {
  const avg = (xs: TrendPoint[]) => xs.reduce((s, p) => s + p.score, 0) / (xs.length || 1);
  const last = avg(trend.slice(-7));
  const prev = avg(trend.slice(-14, -7));
  return prev === 0 ? 0 : round(((last - prev) / prev) * 100, 1);
}
