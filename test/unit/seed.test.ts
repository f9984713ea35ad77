import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { computeSnapshot } from "../../lib/domain/dashboard/snapshot";
import { DEMO_RISKS, seedDemo } from "../../lib/seed/seed-demo";
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

  it("covers every severity and mitigation status, with overdue ones and 30 days of trend", async () => {
    const s = await computeSnapshot(t.db, clock, t.flavor);
    for (const n of Object.values(s.severity_distribution)) assert.ok(n > 0);
    for (const n of Object.values(s.mitigation_status)) assert.ok(n > 0);
    assert.ok(
      s.risk_trends.every((p) => p.score > 0),
      "every trend day has data",
    );
    assert.ok((await t.db.riskScoreHistory.count()) > DEMO_RISKS * 3);
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
    assert.ok((await t.db.commandQuota.count()) >= 6);
  });
});
