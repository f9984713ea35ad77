// The register sections of the dashboard (README "Dashboard figures"): the 5×5 likelihood ×
// impact heat map of open risks, inherent and residual, the open risks by treatment and the
// overdue reviews and pending acceptance requests. Additive keys beside the original ones. Read in the snapshot's transaction
// by one grouped pass over an index (bands computed in SQL, so no row reaches the process) that
// yields the severity counts and score sum too, and kept current from risk.changed facts by
// deltas, like the severity counts (the pending count by a full read on acceptance events).
import type { Tx } from "../../db/client";
import type { RiskFact } from "../events";
import { band, TREATMENT_KEYS, TREATMENTS, type TreatmentKey } from "../register";

export const BANDS = 5;

export interface MatrixCell {
  /** 1 (lowest) … 5 */
  likelihood: number;
  impact: number;
  count: number;
}
export interface RegisterSections {
  /** 25 cells, likelihood-major (1,1), (1,2) … (5,5); each view's counts sum to metrics.total_risks. */
  risk_matrix: { inherent: MatrixCell[]; residual: MatrixCell[] };
  risks_by_treatment: Record<TreatmentKey, number>;
  /** `pending_acceptances`: acceptance requests waiting for an admin (README "Risk acceptance"), as of the last full read. */
  review_status: { overdue: number; pending_acceptances: number };
}

/** Counts by cell index (likelihood − 1) × 5 + (impact − 1). */
export interface RegisterFigures {
  inherent: number[];
  residual: number[];
  treatment: Record<TreatmentKey, number>;
  overdueReviews: number;
  /** Changed only by acceptance events, which ask for a full read. */
  pendingAcceptances: number;
}

const cellOf = (l: number, i: number) => (band(l) - 1) * BANDS + (band(i) - 1);
const treatmentKey = (t: string | null | undefined): TreatmentKey =>
  (TREATMENTS as readonly string[]).includes(t ?? "") ? (t as TreatmentKey) : "undecided";

export const emptyRegister = (): RegisterFigures => ({
  inherent: Array<number>(BANDS * BANDS).fill(0),
  residual: Array<number>(BANDS * BANDS).fill(0),
  treatment: Object.fromEntries(TREATMENT_KEYS.map((k) => [k, 0])) as Record<TreatmentKey, number>,
  overdueReviews: 0,
  pendingAcceptances: 0,
});

// The same comparisons as band(): [0, 0.2) → 1 … [0.8, 1] → 5.
const bandSql = (col: string) =>
  `CASE WHEN ${col} >= 0.8 THEN 5 WHEN ${col} >= 0.6 THEN 4 WHEN ${col} >= 0.4 THEN 3 WHEN ${col} >= 0.2 THEN 2 ELSE 1 END`;
// Every open-risk figure in one pass: grouped by severity, treatment and the four bands, with
// the exact score sum (as trend.ts's openScoreTotals) per group. The Risk_open_figures index
// holds every column named here in this order, so the inner query reads the index alone and
// groups its rows as they come (no sort); the bands are then computed once per distinct value
// set, not per risk, and only those groups are sorted. Counts and integer sums add up exactly.
const OPEN_SQL = `SELECT s, t, ${bandSql("l")} AS l, ${bandSql("i")} AS i, ${bandSql("COALESCE(rl, l)")} AS rl, ${bandSql("COALESCE(ri, i)")} AS ri,
  SUM(n) AS n, SUM(u) AS units FROM (
    SELECT "severity" AS s, "treatment" AS t, "likelihood" AS l, "impact" AS i, "residualLikelihood" AS rl, "residualImpact" AS ri,
      COUNT(*) AS n, SUM(CAST(ROUND("score" * 10000) AS BIGINT)) AS u
    FROM "Risk" WHERE "status" = 'open' GROUP BY 1, 2, 3, 4, 5, 6
  ) AS g GROUP BY 1, 2, 3, 4, 5, 6`;

/** The open risks' figures from one indexed pass: the register's, and the severity counts and exact score sum of the snapshot. */
export interface OpenRiskFigures {
  register: RegisterFigures;
  /** Open risks by their stored severity (any value; the snapshot keeps the known ones). */
  bySeverity: Map<string, number>;
  /** Open risks' scores summed in units of 1/10000. */
  scoreUnits: number;
}

/** The open-risk figures as of `now`, inside the snapshot's read transaction (one grouped pass and one indexed count). */
export async function readOpenRiskFigures(tx: Tx, now: Date): Promise<OpenRiskFigures> {
  const register = emptyRegister();
  const bySeverity = new Map<string, number>();
  let scoreUnits = 0;
  type Row = { s: string; t: string | null; l: unknown; i: unknown; rl: unknown; ri: unknown; n: unknown; units: unknown };
  for (const r of await tx.$queryRawUnsafe<Row[]>(OPEN_SQL)) {
    const n = Number(r.n);
    register.inherent[(Number(r.l) - 1) * BANDS + Number(r.i) - 1]! += n;
    register.residual[(Number(r.rl) - 1) * BANDS + Number(r.ri) - 1]! += n;
    register.treatment[treatmentKey(r.t)] += n;
    bySeverity.set(r.s, (bySeverity.get(r.s) ?? 0) + n);
    scoreUnits += Number(r.units ?? 0);
  }
  register.overdueReviews = await tx.risk.count({ where: { status: "open", nextReviewAt: { lt: now } } });
  register.pendingAcceptances = await tx.riskAcceptance.count({ where: { status: "pending" } });
  return { register, bySeverity, scoreUnits };
}

/** One risk's change (before → after), counting open risks only; "overdue" is as of `asOf`. */
export function applyRiskToRegister(f: RegisterFigures, before: RiskFact | null, after: RiskFact | null, asOf: number): void {
  const step = (r: RiskFact | null, d: 1 | -1) => {
    if (r?.status !== "open") return;
    f.inherent[cellOf(r.likelihood, r.impact)]! += d;
    f.residual[cellOf(r.residualLikelihood ?? r.likelihood, r.residualImpact ?? r.impact)]! += d;
    f.treatment[treatmentKey(r.treatment)] += d;
    if (r.nextReviewAt != null && r.nextReviewAt < asOf) f.overdueReviews += d;
  };
  step(before, -1);
  step(after, 1);
}

const cells = (counts: number[]): MatrixCell[] =>
  counts.map((count, k) => ({ likelihood: Math.floor(k / BANDS) + 1, impact: (k % BANDS) + 1, count }));

export function registerSections(f: RegisterFigures): RegisterSections {
  return {
    risk_matrix: { inherent: cells(f.inherent), residual: cells(f.residual) },
    risks_by_treatment: { ...f.treatment },
    review_status: { overdue: f.overdueReviews, pending_acceptances: f.pendingAcceptances },
  };
}
