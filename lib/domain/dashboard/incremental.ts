// The dashboard kept current from change events, in O(change): counts and the exact score sum
// by deltas (before → after), the two top-10 lists edited in place — and re-read with one indexed
// top-N query only when a member leaves or falls (the 11th is unknown) — and today's trend point
// from the same totals the write's roll-up stored. Starting point: a full read (snapshot.ts) and
// the change sequence number it reflects; events at or before it, or seen already, are skipped,
// so nothing counts twice however events arrive (late, twice, from another instance).
//
// Time is a figure too: "overdue" is counted as of the last full read (`asOf`), and the periodic
// full recompute (DASHBOARD_TICK_MS) moves it, with days_open and the day's trend point.
import type { DomainEvent, MitigationFact, RiskFact } from "../events";
import { isOverdue } from "../mitigations";
import { SEVERITIES, type Severity } from "../risks";
import { round, utcDay } from "../time";
import { scoreUnits, trendValue } from "../trend";
import { applyRiskToRegister } from "./risk-matrix";
import { MITIGATION_PROGRESS, TOP_RISKS, type DashboardFigures, type DueMitigation, type MitigationCounts, type TopRisk } from "./snapshot";

export type DashboardChange = Extract<DomainEvent, { type: "risk.changed" | "mitigation.changed" }>;

const byScore = (a: TopRisk, b: TopRisk) => b.score - a.score || a.id - b.id;
const byDue = (a: DueMitigation, b: DueMitigation) => a.dueDate - b.dueDate || a.id - b.id;
const topRow = (r: RiskFact): TopRisk => ({
  id: r.id,
  title: r.title,
  severity: r.severity,
  likelihood: r.likelihood,
  impact: r.impact,
  score: r.score,
  openedAt: r.openedAt,
});
const dueRow = (m: MitigationFact): DueMitigation => ({
  id: m.id,
  riskId: m.riskId,
  title: m.title,
  status: m.status,
  completionPercent: m.completionPercent,
  dueDate: m.dueDate,
});

export interface Refills {
  topRisks(): Promise<TopRisk[]>;
  dueSoonest(): Promise<DueMitigation[]>;
}

export class IncrementalDashboard {
  private f!: DashboardFigures;
  private seq = 0;
  private seen = new Set<number>();
  private openCount = 0;
  private asOf = 0;
  private day = "";
  /** The lists hold every candidate (fewer than 10 exist): nothing outside them can enter. */
  private topAll = false;
  private progressAll = false;
  private refillTop = false;
  private refillProgress = false;

  constructor(private refills: Refills) {}

  /** A fresh start from a full read reflecting changes up to `seq`, as of `asOf`. */
  load(figures: DashboardFigures, seq: number, asOf: Date): void {
    this.f = structuredClone(figures);
    this.seq = seq;
    this.seen.clear();
    this.asOf = asOf.getTime();
    this.day = utcDay(asOf);
    this.openCount = SEVERITIES.reduce((s, k) => s + figures.severity[k], 0);
    this.topAll = figures.top.length < TOP_RISKS;
    this.progressAll = figures.progress.length < MITIGATION_PROGRESS;
  }

  get loaded() {
    return this.day !== "";
  }

  /** Whether these figures can carry on to `now` (a new UTC day needs a full read). */
  fresh(now: Date): boolean {
    return this.loaded && utcDay(now) === this.day;
  }

  /**
   * Applies changes (any order, duplicates skipped) and returns the figures after them — a copy:
   * the previous snapshot must not change under the diff that compares it with this one.
   */
  async apply(changes: DashboardChange[]): Promise<DashboardFigures> {
    let trendTouched = false;
    for (const e of changes) {
      if (e.seq <= this.seq || this.seen.has(e.seq)) continue;
      this.seen.add(e.seq);
      if (e.type === "risk.changed") {
        this.risk(e.before, e.after);
        for (const m of e.removedMitigations ?? []) this.mitigation(m, null);
        // The write refreshed today's roll-up when the score or the open set changed.
        if (e.change !== "updated" || e.before?.score !== e.after?.score || e.before?.status !== e.after?.status) trendTouched = true;
      } else this.mitigation(e.before, e.after);
    }
    this.compact();
    if (trendTouched) {
      const today = this.f.trend.at(-1);
      if (today) today.score = round(trendValue({ count: this.openCount, units: this.f.scoreUnits }));
    }
    if (this.refillTop) {
      this.f.top = await this.refills.topRisks();
      this.topAll = this.f.top.length < TOP_RISKS;
      this.refillTop = false;
    }
    if (this.refillProgress) {
      this.f.progress = await this.refills.dueSoonest();
      this.progressAll = this.f.progress.length < MITIGATION_PROGRESS;
      this.refillProgress = false;
    }
    return structuredClone(this.f);
  }

  private risk(before: RiskFact | null, after: RiskFact | null) {
    const f = this.f;
    if (before?.status === "open") {
      f.severity[before.severity as Severity]--;
      f.scoreUnits -= scoreUnits(before.score);
      this.openCount--;
    }
    if (after?.status === "open") {
      f.severity[after.severity as Severity]++;
      f.scoreUnits += scoreUnits(after.score);
      this.openCount++;
    }
    applyRiskToRegister(f.register, before, after, this.asOf);
    const id = before?.id ?? after!.id;
    const at = f.top.findIndex((r) => r.id === id);
    const open = after?.status === "open" ? topRow(after) : null;
    if (at >= 0) {
      const was = f.top[at]!;
      if (!open) {
        f.top.splice(at, 1); // left the open set: the next one in is unknown here
        if (!this.topAll) this.refillTop = true;
      } else if (!this.topAll && byScore(open, was) > 0) {
        this.refillTop = true; // fell: an outsider may now rank above it
      } else {
        f.top[at] = open;
        f.top.sort(byScore);
      }
      return;
    }
    if (!open) return;
    const last = f.top.at(-1);
    if (f.top.length < TOP_RISKS || (last && byScore(open, last) < 0)) {
      f.top.push(open);
      f.top.sort(byScore);
      if (f.top.length > TOP_RISKS) {
        f.top.length = TOP_RISKS;
        this.topAll = false;
      }
    } else this.topAll = false; // a candidate now waits outside the list
  }

  private mitigation(before: MitigationFact | null, after: MitigationFact | null) {
    const f = this.f;
    const asOf = new Date(this.asOf);
    const counted = (m: MitigationFact) => Object.hasOwn(f.mitigations, m.status);
    if (before && counted(before)) f.mitigations[before.status as keyof MitigationCounts]--;
    if (after && counted(after)) f.mitigations[after.status as keyof MitigationCounts]++;
    const overdue = (m: MitigationFact | null) => !!m && isOverdue({ status: m.status, dueDate: new Date(m.dueDate) }, asOf);
    f.overdue += Number(overdue(after)) - Number(overdue(before));

    const id = before?.id ?? after!.id;
    const at = f.progress.findIndex((m) => m.id === id);
    const pending = after && after.status !== "completed" ? dueRow(after) : null;
    if (at >= 0) {
      const was = f.progress[at]!;
      if (!pending) {
        f.progress.splice(at, 1);
        if (!this.progressAll) this.refillProgress = true;
      } else if (!this.progressAll && byDue(pending, was) > 0) {
        this.refillProgress = true; // due later now: an outsider may come before it
      } else {
        f.progress[at] = pending;
        f.progress.sort(byDue);
      }
      return;
    }
    if (!pending) return;
    const last = f.progress.at(-1);
    if (f.progress.length < MITIGATION_PROGRESS || (last && byDue(pending, last) < 0)) {
      f.progress.push(pending);
      f.progress.sort(byDue);
      if (f.progress.length > MITIGATION_PROGRESS) {
        f.progress.length = MITIGATION_PROGRESS;
        this.progressAll = false;
      }
    } else this.progressAll = false; // a candidate now waits outside the list
  }

  /** The seen set only needs what is above the contiguous run after `seq`. */
  private compact() {
    while (this.seen.has(this.seq + 1)) this.seen.delete(++this.seq);
  }
}
