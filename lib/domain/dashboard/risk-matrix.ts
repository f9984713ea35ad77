// The register sections of the dashboard (README "Dashboard figures"): the 5×5 likelihood ×
// impact heat map of open risks, inherent and residual, the open risks by treatment and the
// overdue reviews and pending acceptance requests. Additive keys beside the original ones. Read in the snapshot's transaction
// with two grouped counts (bands computed in SQL, so no row reaches the process) and kept
// current from risk.changed facts by deltas, like the severity counts.
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
const MATRIX_SQL = `SELECT ${bandSql(`"likelihood"`)} AS l, ${bandSql(`"impact"`)} AS i,
  ${bandSql(`COALESCE("residualLikelihood", "likelihood")`)} AS rl, ${bandSql(`COALESCE("residualImpact", "impact")`)} AS ri,
  COUNT(*) AS n FROM "Risk" WHERE "status" = 'open' GROUP BY 1, 2, 3, 4`;

/** The register figures as of `now`, inside the snapshot's read transaction. */
export async function readRegisterFigures(tx: Tx, now: Date): Promise<RegisterFigures> {
  const f = emptyRegister();
  const rows = await tx.$queryRawUnsafe<{ l: unknown; i: unknown; rl: unknown; ri: unknown; n: unknown }[]>(MATRIX_SQL);
  for (const r of rows) {
    const n = Number(r.n);
    f.inherent[(Number(r.l) - 1) * BANDS + Number(r.i) - 1]! += n;
    f.residual[(Number(r.rl) - 1) * BANDS + Number(r.ri) - 1]! += n;
  }
  const byTreatment = await tx.risk.groupBy({ by: ["treatment"], where: { status: "open" }, _count: { _all: true } });
  for (const g of byTreatment) f.treatment[treatmentKey(g.treatment)] += g._count._all;
  f.overdueReviews = await tx.risk.count({ where: { status: "open", nextReviewAt: { lt: now } } });
  f.pendingAcceptances = await tx.riskAcceptance.count({ where: { status: "pending" } });
  return f;
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
