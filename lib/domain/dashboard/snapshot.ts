// The dashboard snapshot (README "Dashboard figures"; snake_case keys, as the original clients expect).
// Every figure comes from an aggregate or an indexed top-N query: nothing loads all rows.
import type { Db } from "../../db/client";
import { daysRemaining } from "../mitigations";
import { SEVERITIES, type Severity } from "../risks";
import { DAY_MS, round, type Clock } from "../time";
import { readTrend, trendingUpPercent, type TrendPoint } from "../trend";

export const TOP_RISKS = 10;
export const MITIGATION_PROGRESS = 10;

export interface DashboardSnapshot {
  metrics: {
    total_risks: number;
    critical_risks: number;
    high_risks: number;
    medium_risks: number;
    low_risks: number;
    average_risk_score: number;
    trending_up_percent: number;
    mitigation_rate: number;
  };
  risk_trends: TrendPoint[];
  severity_distribution: Record<Severity, number>;
  mitigation_status: { completed: number; in_progress: number; not_started: number; overdue: number };
  top_risks: {
    id: number;
    title: string;
    severity: Severity;
    likelihood: number;
    impact: number;
    score: number;
    days_open: number;
  }[];
  mitigation_progress: {
    id: number;
    risk_id: number;
    title: string;
    status: string;
    completion_percent: number;
    due_date: string;
    days_remaining: number;
  }[];
}

/** All figures describe open risks; mitigation figures cover every mitigation. */
export async function computeSnapshot(db: Db, clock: Clock): Promise<DashboardSnapshot> {
  const now = clock.now();
  const open = { status: "open" };
  const [bySeverity, scoreAvg, top, byStatus, overdue, progress, trend] = await Promise.all([
    db.risk.groupBy({ by: ["severity"], where: open, _count: { _all: true } }),
    db.risk.aggregate({ where: open, _avg: { score: true } }),
    db.risk.findMany({
      where: open,
      orderBy: [{ score: "desc" }, { id: "asc" }],
      take: TOP_RISKS,
      select: { id: true, title: true, severity: true, likelihood: true, impact: true, score: true, openedAt: true },
    }),
    db.mitigation.groupBy({ by: ["status"], _count: { _all: true } }),
    db.mitigation.count({ where: { status: { not: "completed" }, dueDate: { lt: now } } }),
    db.mitigation.findMany({
      where: { status: { not: "completed" } },
      orderBy: [{ dueDate: "asc" }, { id: "asc" }],
      take: MITIGATION_PROGRESS,
    }),
    readTrend(db, now),
  ]);

  const severity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const g of bySeverity) if (g.severity in severity) severity[g.severity as Severity] = g._count._all;
  const total = Object.values(severity).reduce((a, b) => a + b, 0);

  const mit = { completed: 0, in_progress: 0, not_started: 0 };
  for (const g of byStatus) if (Object.hasOwn(mit, g.status)) mit[g.status as keyof typeof mit] = g._count._all;
  const mitTotal = mit.completed + mit.in_progress + mit.not_started;

  return {
    metrics: {
      total_risks: total,
      critical_risks: severity.critical,
      high_risks: severity.high,
      medium_risks: severity.medium,
      low_risks: severity.low,
      average_risk_score: round(scoreAvg._avg.score ?? 0),
      trending_up_percent: trendingUpPercent(trend),
      mitigation_rate: mitTotal === 0 ? 0 : round((mit.completed / mitTotal) * 100, 1),
    },
    risk_trends: trend,
    severity_distribution: severity,
    mitigation_status: { completed: mit.completed, in_progress: mit.in_progress, not_started: mit.not_started, overdue },
    top_risks: top.map((r) => ({
      id: r.id,
      title: r.title,
      severity: r.severity as Severity,
      likelihood: r.likelihood,
      impact: r.impact,
      score: round(r.score),
      days_open: Math.floor((now.getTime() - r.openedAt.getTime()) / DAY_MS),
    })),
    mitigation_progress: progress.map((m) => ({
      id: m.id,
      risk_id: m.riskId,
      title: m.title,
      status: m.status,
      completion_percent: m.completionPercent,
      due_date: m.dueDate.toISOString(),
      days_remaining: daysRemaining(m.dueDate, now),
    })),
  };
}
