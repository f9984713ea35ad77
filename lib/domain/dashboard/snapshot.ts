// The dashboard snapshot (README "Dashboard figures"; snake_case keys, as the original clients
// expect), built from its figures: counts, an exact score sum, the two top-10 lists and the
// trend. The full read takes every figure from an indexed aggregate or top-N query — nothing
// loads all rows — inside one read transaction, together with the change sequence number it
// reflects; incremental.ts keeps the same figures current from change events.
import type { Db, Tx } from "../../db/client";
import type { DbFlavor } from "../../db/url";
import { daysRemaining, MITIGATION_STATUSES } from "../mitigations";
import { SEVERITIES, type Severity } from "../risks";
import { DAY_MS, round, type Clock } from "../time";
import { averageOf, readTrend, trendingUpPercent, type TrendPoint } from "../trend";
import { readOpenRiskFigures, registerSections, type RegisterFigures, type RegisterSections } from "./risk-matrix";
import { currentDashboardSeq } from "./sequence";

export const TOP_RISKS = 10;
export const MITIGATION_PROGRESS = 10;
const PENDING_STATUSES = MITIGATION_STATUSES.filter((s) => s !== "completed");

/** The original clients' keys, then the register's additive sections (risk-matrix.ts). */
export interface DashboardSnapshot extends RegisterSections {
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

export interface TopRisk {
  id: number;
  title: string;
  severity: string;
  likelihood: number;
  impact: number;
  score: number;
  openedAt: number;
}
export interface DueMitigation {
  id: number;
  riskId: number;
  title: string;
  status: string;
  completionPercent: number;
  dueDate: number;
}
export type MitigationCounts = { completed: number; in_progress: number; not_started: number };

/** Everything the snapshot is made of. Times are epoch ms. */
export interface DashboardFigures {
  severity: Record<Severity, number>;
  /** Open risks' scores summed in units of 1/10000 (exact; see trend.ts). */
  scoreUnits: number;
  mitigations: MitigationCounts;
  overdue: number;
  top: TopRisk[];
  progress: DueMitigation[];
  trend: TrendPoint[];
  /** The heat map, treatments and overdue reviews (risk-matrix.ts). */
  register: RegisterFigures;
}

const emptySeverity = () => Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;

export function buildSnapshot(f: DashboardFigures, now: Date): DashboardSnapshot {
  const total = SEVERITIES.reduce((s, k) => s + f.severity[k], 0);
  const m = f.mitigations;
  const mitTotal = m.completed + m.in_progress + m.not_started;
  return {
    metrics: {
      total_risks: total,
      critical_risks: f.severity.critical,
      high_risks: f.severity.high,
      medium_risks: f.severity.medium,
      low_risks: f.severity.low,
      average_risk_score: round(averageOf(f.scoreUnits, total)),
      trending_up_percent: trendingUpPercent(f.trend),
      mitigation_rate: mitTotal === 0 ? 0 : round((m.completed / mitTotal) * 100, 1),
    },
    risk_trends: f.trend,
    severity_distribution: { ...f.severity },
    mitigation_status: { completed: m.completed, in_progress: m.in_progress, not_started: m.not_started, overdue: f.overdue },
    top_risks: f.top.map((r) => ({
      id: r.id,
      title: r.title,
      severity: r.severity as Severity,
      likelihood: r.likelihood,
      impact: r.impact,
      score: round(r.score),
      days_open: Math.floor((now.getTime() - r.openedAt) / DAY_MS),
    })),
    mitigation_progress: f.progress.map((p) => ({
      id: p.id,
      risk_id: p.riskId,
      title: p.title,
      status: p.status,
      completion_percent: p.completionPercent,
      due_date: new Date(p.dueDate).toISOString(),
      days_remaining: daysRemaining(new Date(p.dueDate), now),
    })),
    ...registerSections(f.register),
  };
}

const TOP_SELECT = { id: true, title: true, severity: true, likelihood: true, impact: true, score: true, openedAt: true } as const;

export async function readTopRisks(db: Db | Tx): Promise<TopRisk[]> {
  const rows = await db.risk.findMany({
    where: { status: "open" },
    orderBy: [{ score: "desc" }, { id: "asc" }],
    take: TOP_RISKS,
    select: TOP_SELECT,
  });
  return rows.map((r) => ({ ...r, openedAt: r.openedAt.getTime() }));
}

/**
 * The open mitigations due soonest. Read per status (each one walks the (status, dueDate) index in
 * order and stops after 10) and merged: "status ≠ completed" in one query scanned and sorted every
 * open mitigation. A mitigation's status is always one of MITIGATION_STATUSES (every write checks it).
 */
export async function readDueSoonest(db: Db | Tx): Promise<DueMitigation[]> {
  const lists = [];
  for (const status of PENDING_STATUSES)
    lists.push(
      await db.mitigation.findMany({ where: { status }, orderBy: [{ dueDate: "asc" }, { id: "asc" }], take: MITIGATION_PROGRESS }),
    );
  return lists
    .flat()
    .map((m) => ({
      id: m.id,
      riskId: m.riskId,
      title: m.title,
      status: m.status,
      completionPercent: m.completionPercent,
      dueDate: m.dueDate.getTime(),
    }))
    .sort((a, b) => a.dueDate - b.dueDate || a.id - b.id)
    .slice(0, MITIGATION_PROGRESS);
}

/**
 * Every figure, and the change sequence number they reflect, read in one transaction — a
 * consistent snapshot, so the events after `seq` are exactly what it does not include.
 */
export async function readFigures(db: Db, now: Date, flavor: DbFlavor): Promise<{ figures: DashboardFigures; seq: number }> {
  return db.$transaction(
    async (tx) => {
      const seq = await currentDashboardSeq(tx);
      const open = await readOpenRiskFigures(tx, now);
      const byStatus = await tx.mitigation.groupBy({ by: ["status"], _count: { _all: true } });
      // Per pending status, as readDueSoonest: two index ranges rather than a scan of every mitigation.
      const overdue = await tx.mitigation.count({ where: { status: { in: [...PENDING_STATUSES] }, dueDate: { lt: now } } });
      const top = await readTopRisks(tx);
      const progress = await readDueSoonest(tx);
      const trend = await readTrend(tx, now);
      const severity = emptySeverity();
      for (const [s, n] of open.bySeverity) if (Object.hasOwn(severity, s)) severity[s as Severity] = n;
      const mitigations: MitigationCounts = { completed: 0, in_progress: 0, not_started: 0 };
      for (const g of byStatus) if (Object.hasOwn(mitigations, g.status)) mitigations[g.status as keyof MitigationCounts] = g._count._all;
      return {
        seq,
        figures: { severity, scoreUnits: open.scoreUnits, mitigations, overdue, top, progress, trend, register: open.register },
      };
    },
    // SQLite transactions are serializable already (and Prisma accepts only that level there);
    // the app's client is typed as SQLite's, hence the cast for PostgreSQL's level.
    (flavor === "postgres" ? { isolationLevel: "RepeatableRead" } : undefined) as { isolationLevel?: "Serializable" } | undefined,
  );
}

/** All figures describe open risks; mitigation figures cover every mitigation. */
export async function computeSnapshot(db: Db, clock: Clock, flavor: DbFlavor): Promise<DashboardSnapshot> {
  const now = clock.now();
  return buildSnapshot((await readFigures(db, now, flavor)).figures, now);
}
