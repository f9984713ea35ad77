// The snapshot's figures on a small fixture whose answers are worked out by hand.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { SYSTEM } from "../../lib/domain/audit";
import { computeSnapshot } from "../../lib/domain/dashboard/snapshot";
import { createMitigationService } from "../../lib/domain/mitigations";
import { createRiskService } from "../../lib/domain/risks";
import { noEvents } from "../../lib/domain/events";
import { fixedClock, testDb } from "../support/db";

describe("dashboard snapshot", () => {
  const clock = fixedClock("2026-01-15T12:00:00Z");
  let t: Awaited<ReturnType<typeof testDb>>;
  before(async () => {
    t = await testDb();
    const risks = createRiskService({ db: t.db, events: noEvents, clock, flavor: t.flavor });
    const mits = createMitigationService({ db: t.db, events: noEvents, clock, flavor: t.flavor });
    // Seven days at 2.0 then six at 3.0 before "today".
    for (let d = 13; d >= 1; d--) {
      const day = new Date(Date.UTC(2026, 0, 15 - d)).toISOString().slice(0, 10);
      await t.db.riskTrendDay.create({ data: { day, averageScore: d > 6 ? 2 : 3, openRisks: 1 } });
    }
    const a = await risks.create({ title: "A", description: "", severity: "critical", likelihood: 0.9, impact: 1, status: "open" }, SYSTEM);
    const b = await risks.create({ title: "B", description: "", severity: "high", likelihood: 0.5, impact: 0.8, status: "open" }, SYSTEM);
    const c = await risks.create({ title: "C", description: "", severity: "low", likelihood: 0.2, impact: 0.5, status: "open" }, SYSTEM);
    const d = await risks.create({ title: "D", description: "", severity: "medium", likelihood: 0.5, impact: 0.5, status: "open" }, SYSTEM);
    await risks.update(d.id, { status: "closed" }, SYSTEM);
    await mits.create(
      { risk_id: a.id, title: "m1", status: "completed", completion_percent: 0, due_date: new Date("2026-01-01T00:00:00Z") },
      SYSTEM,
    );
    await mits.create(
      { risk_id: a.id, title: "m2", status: "in_progress", completion_percent: 50, due_date: new Date("2026-01-10T00:00:00Z") },
      SYSTEM,
    );
    await mits.create(
      { risk_id: b.id, title: "m3", status: "not_started", completion_percent: 0, due_date: new Date("2026-01-20T00:00:00Z") },
      SYSTEM,
    );
    await mits.create(
      { risk_id: c.id, title: "m4", status: "in_progress", completion_percent: 20, due_date: new Date("2026-02-14T12:00:00Z") },
      SYSTEM,
    );
  });
  after(() => t.close());

  it("counts open risks by severity and averages their scores", async () => {
    const s = await computeSnapshot(t.db, clock, t.flavor);
    assert.deepEqual(s.metrics, {
      total_risks: 3,
      critical_risks: 1,
      high_risks: 1,
      medium_risks: 0,
      low_risks: 1,
      average_risk_score: 4.67, // (9 + 4 + 1) / 3
      trending_up_percent: 61.9, // ((6×3 + 4.67)/7 − 2) / 2
      mitigation_rate: 25, // 1 of 4 completed
    });
    assert.deepEqual(s.severity_distribution, { critical: 1, high: 1, medium: 0, low: 1 });
  });

  it("counts mitigations by status and overdue ones separately", async () => {
    const s = await computeSnapshot(t.db, clock, t.flavor);
    assert.deepEqual(s.mitigation_status, { completed: 1, in_progress: 2, not_started: 1, overdue: 1 });
  });

  it("lists top risks by score and open mitigations by due date", async () => {
    const s = await computeSnapshot(t.db, clock, t.flavor);
    assert.deepEqual(
      s.top_risks.map((r) => [r.title, r.score, r.days_open]),
      [
        ["A", 9, 0],
        ["B", 4, 0],
        ["C", 1, 0],
      ],
    );
    assert.deepEqual(
      s.mitigation_progress.map((m) => [m.title, m.completion_percent, m.days_remaining]),
      [
        ["m2", 50, -5],
        ["m3", 0, 5],
        ["m4", 20, 30],
      ],
    );
  });

  it("draws 30 daily trend points ending today, zero before the first data", async () => {
    const s = await computeSnapshot(t.db, clock, t.flavor);
    assert.equal(s.risk_trends.length, 30);
    assert.equal(s.risk_trends.at(-1)!.date, "2026-01-15");
    assert.equal(s.risk_trends.at(-1)!.score, 4.67);
    assert.equal(s.risk_trends.at(-2)!.score, 3);
    assert.equal(s.risk_trends.at(-8)!.score, 2);
    assert.equal(s.risk_trends[0]!.score, 0);
  });

  it("an empty database gives zeros, not errors", async () => {
    const empty = await testDb();
    try {
      const s = await computeSnapshot(empty.db, clock, empty.flavor);
      assert.equal(s.metrics.total_risks, 0);
      assert.equal(s.metrics.average_risk_score, 0);
      assert.equal(s.metrics.mitigation_rate, 0);
      assert.deepEqual(s.top_risks, []);
    } finally {
      await empty.close();
    }
  });
});
