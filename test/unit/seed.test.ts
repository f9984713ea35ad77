import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { computeSnapshot } from "../../lib/domain/dashboard/snapshot";
import { DEFAULT_QUOTAS, DEMO_RISKS, DEMO_USERS, demoSignIns, seedDemo } from "../../lib/seed/seed-demo";
import { fixedClock, testDb } from "../support/db";

describe("demo seeder", () => {
  const clock = fixedClock("2026-11-22T12:00:00Z");
  let t: Awaited<ReturnType<typeof testDb>>;
  before(async () => (t = await testDb("seed")));
  after(() => t.close());

  it("fills an empty database, and only an empty one", async () => {
    assert.equal(await seedDemo(t.db, t.flavor, clock), true);
    assert.equal(await seedDemo(t.db, t.flavor, clock), false);
    assert.equal(await t.db.risk.count(), DEMO_RISKS);
    assert.equal(await t.db.user.count(), 22);
    assert.equal(await t.db.user.count({ where: { role: "admin" } }), 1);
  });

  it("holds one pending acceptance request, the analyst's, on a risk treated accept; the sign-in page's list names both accounts", async () => {
    const pending = await t.db.riskAcceptance.findMany({ where: { status: "pending" }, include: { risk: true, requestedBy: true } });
    assert.equal(pending.length, 1);
    assert.equal(pending[0]!.requestedBy?.email, DEMO_USERS[1].email);
    assert.equal(pending[0]!.risk.treatment, "accept");
    assert.ok(pending[0]!.expiresAt > clock.now());
    assert.deepEqual(
      (await demoSignIns(t.db)).map((u) => u.email),
      DEMO_USERS.map((u) => u.email),
    );
  });

  it("covers every severity and mitigation status, with overdue ones and 30 days of trend", async () => {
    const s = await computeSnapshot(t.db, clock, t.flavor);
    const now = clock.now();
    const tally = (keys: string[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<string, number>;
    // Counted here from the rows, independently of the dashboard's queries.
    const open = await t.db.risk.findMany({ where: { status: "open" } });
    const severity = tally(["critical", "high", "medium", "low"]);
    for (const r of open) severity[r.severity]! += 1;
    assert.deepEqual(s.severity_distribution, severity);
    const mitigations = await t.db.mitigation.findMany();
    const status = tally(["completed", "in_progress", "not_started", "overdue"]);
    for (const m of mitigations) {
      status[m.status]! += 1;
      if (m.status !== "completed" && m.dueDate < now) status.overdue! += 1;
    }
    assert.deepEqual(s.mitigation_status, status);
    for (const [k, n] of Object.entries({ ...severity, ...status })) assert.ok(n > 0, `no ${k} in the demo data`);
    const days = Array.from({ length: 30 }, (_, i) =>
      new Date(Date.parse("2026-11-22T00:00:00Z") - (29 - i) * 86_400_000).toISOString().slice(0, 10),
    );
    assert.deepEqual(
      s.risk_trends.map((p) => p.date),
      days,
    );
    assert.deepEqual(
      s.risk_trends.filter((p) => !(p.score > 0)),
      [],
      "every trend day has data",
    );
    const average = open.reduce((sum, r) => sum + r.score, 0) / open.length;
    assert.equal(s.risk_trends.at(-1)!.score, Math.round(average * 100) / 100, "today's point is today's average open score");
    // Each risk's score history ends at its current score.
    const risks = await t.db.risk.findMany({ include: { history: { orderBy: { recordedAt: "desc" }, take: 1 } } });
    assert.deepEqual(
      risks.filter((r) => r.history[0]?.score !== r.score).map((r) => r.id),
      [],
    );
  });

  it("keeps quota counters consistent with the command history", async () => {
    const allowedToday = await t.db.commandExecution.count({
      where: { allowed: true, commandType: "shell", executedAt: { gte: new Date("2026-11-22T00:00:00Z") } },
    });
    const counters = await t.db.quotaUsage.aggregate({
      where: { commandType: "shell", period: "daily", windowStart: new Date("2026-11-22T00:00:00Z") },
      _sum: { count: true },
    });
    assert.ok(allowedToday > 0);
    assert.equal(counters._sum.count, allowedToday);
    const defaults = await t.db.commandQuota.findMany({ where: { scope: "*" }, orderBy: { id: "asc" } });
    assert.deepEqual(
      defaults.map((q) => ({ commandType: q.commandType, period: q.period, limit: q.limit })),
      DEFAULT_QUOTAS,
    );
  });
});
