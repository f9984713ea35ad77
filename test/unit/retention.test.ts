// Retention with a fixed clock: only records older than RETENTION_DAYS go, in batches, and the
// figures users see (quota stats, current usage, the dashboard, a risk's chart) do not change.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { SYSTEM } from "../../lib/domain/audit";
import { computeSnapshot } from "../../lib/domain/dashboard/snapshot";
import { noEvents } from "../../lib/domain/events";
import { computeQuotaStats, currentUsage } from "../../lib/domain/quota/stats";
import { createRiskService } from "../../lib/domain/risks";
import { DAY_MS } from "../../lib/domain/time";
import { silentLogger } from "../../lib/log";
import { createRetention } from "../../lib/retention/prune";
import { fixedClock, testDb } from "../support/db";

describe("retention", () => {
  const clock = fixedClock("2026-09-01T12:00:00Z");
  const days = 90;
  const now = clock.now().getTime();
  const ago = (d: number) => new Date(now - d * DAY_MS);
  const load = () => ({ cpu_percent: 1, memory_percent: 2 });
  let t: Awaited<ReturnType<typeof testDb>>;
  let userId = 0;
  let riskId = 0;

  before(async () => {
    t = await testDb("retention");
    const u = await t.db.user.create({ data: { email: "ann@x.test", name: "Ann", role: "analyst", passwordHash: "x" } });
    userId = u.id;
    // 2,500 old executions (three batches) and 7 from today.
    const old = Array.from({ length: 2500 }, (_, i) => ({
      userId,
      commandType: "shell",
      allowed: i % 5 !== 0,
      executedAt: ago(100 + (i % 50)),
    }));
    for (let i = 0; i < old.length; i += 500) await t.db.commandExecution.createMany({ data: old.slice(i, i + 500) });
    await t.db.commandExecution.createMany({
      data: Array.from({ length: 7 }, () => ({ userId, commandType: "shell", allowed: true, executedAt: ago(0.1) })),
    });
    const violation = (at: Date) => ({
      userId,
      commandType: "shell",
      period: "daily",
      limit: 1,
      attempted: 2,
      message: "over",
      createdAt: at,
    });
    await t.db.violation.createMany({ data: [violation(ago(91)), violation(ago(200)), violation(ago(89)), violation(ago(0.1))] });
    const alert = (at: Date, acked: boolean, key: string) => ({
      userId,
      alertType: "quota_violation",
      severity: "warning",
      ruleKey: key,
      windowKey: at.toISOString().slice(0, 10),
      message: "m",
      violationCount: 3,
      createdAt: at,
      acknowledgedAt: acked ? at : null,
    });
    await t.db.alert.createMany({ data: [alert(ago(120), true, "a"), alert(ago(120), false, "b"), alert(ago(1), true, "c")] });
    const usage = (start: Date, period: string) => ({ userId, commandType: "shell", period, windowStart: start, count: 3 });
    await t.db.quotaUsage.createMany({
      data: [
        usage(ago(130), "monthly"),
        usage(ago(100), "monthly"),
        usage(new Date("2026-09-01T00:00:00Z"), "daily"),
        usage(new Date("2026-09-01T12:00:00Z"), "hourly"),
      ],
    });
    const entry = (at: Date) => ({ at, actorLabel: "system", action: "updated", entity: "risk", entityId: "1", changes: "{}" });
    await t.db.auditEntry.createMany({ data: [entry(ago(95)), entry(ago(95)), entry(ago(10))] });
    const hook = await t.db.webhook.create({ data: { url: "http://127.0.0.1:1/", events: "[]", format: "json", secret: "s" } });
    const delivery = (createdAt: Date, status: string, deliveryId: string) => ({
      channel: "webhook",
      webhookId: hook.id,
      event: "alert",
      deliveryId,
      body: "{}",
      status,
      nextAttemptAt: createdAt,
      expiresAt: createdAt,
      createdAt,
    });
    await t.db.outboxMessage.createMany({
      data: [delivery(ago(100), "delivered", "d1"), delivery(ago(100), "pending", "d2"), delivery(ago(1), "delivered", "d3")],
    });
    const notice = (createdAt: Date, readAt: Date | null) => ({ userId, kind: "assigned", title: "t", createdAt, readAt });
    await t.db.notification.createMany({ data: [notice(ago(100), null), notice(ago(100), ago(99)), notice(ago(1), null)] });
    await t.db.session.createMany({
      data: [
        { id: "old", userId, expiresAt: ago(3) },
        { id: "live", userId, expiresAt: ago(-1) },
      ],
    });
    // A risk whose whole history is older than the cutoff: its newest point must stay.
    const risks = createRiskService({ db: t.db, events: noEvents, clock, flavor: t.flavor });
    const r = await risks.create({ title: "Old", description: "", severity: "low", likelihood: 0.2, impact: 0.5, status: "open" }, SYSTEM);
    riskId = r.id;
    await t.db.riskScoreHistory.deleteMany({ where: { riskId } });
    await t.db.riskScoreHistory.createMany({
      data: [1, 2, 3].map((s, i) => ({ riskId, score: s, recordedAt: ago(150 - i) })),
    });
    // A risk created long ago and rescored today: only its old point goes.
    clock.set(ago(120).toISOString());
    const fresh = await risks.create(
      { title: "New", description: "", severity: "high", likelihood: 0.8, impact: 0.5, status: "open" },
      SYSTEM,
    );
    clock.set(new Date(now).toISOString());
    await risks.update(fresh.id, { likelihood: 0.9 }, SYSTEM);
  });
  after(() => t.close());

  it("prunes what is older than RETENTION_DAYS, keeps the rest, and leaves every figure unchanged", async () => {
    const stats = await computeQuotaStats(t.db, clock, load);
    const usage = await currentUsage(t.db, clock);
    const dashboard = await computeSnapshot(t.db, clock, t.flavor);

    const retention = createRetention({ db: t.db, clock, log: silentLogger, days, flavor: t.flavor });
    const counts = await retention.run();
    assert.deepEqual(counts, {
      executions: 2500,
      violations: 2,
      alerts: 1,
      quotaWindows: 1,
      audit: 3,
      sessions: 1,
      scoreHistory: 3,
      deliveries: 1,
      notifications: 2,
    });

    assert.equal(await t.db.commandExecution.count(), 7);
    assert.equal(await t.db.violation.count(), 2);
    assert.deepEqual(
      (await t.db.outboxMessage.findMany({ orderBy: { deliveryId: "asc" } })).map((m) => m.deliveryId),
      ["d2", "d3"],
      "a pending delivery is kept",
    );
    assert.deepEqual(
      (await t.db.alert.findMany({ orderBy: { ruleKey: "asc" } })).map((a) => a.ruleKey),
      ["b", "c"],
      "an open alert is kept however old",
    );
    assert.equal(await t.db.quotaUsage.count(), 3);
    assert.equal(await t.db.auditEntry.count(), 1 + 2, "the recent entry, the creation of Old and the rescore of New");
    assert.deepEqual(
      (await t.db.session.findMany()).map((s) => s.id),
      ["live"],
    );
    const history = await t.db.riskScoreHistory.findMany({ where: { riskId }, orderBy: { recordedAt: "asc" } });
    assert.deepEqual(
      history.map((h) => h.score),
      [3],
      "the chart keeps the newest point",
    );

    assert.deepEqual(await computeQuotaStats(t.db, clock, load), stats);
    assert.deepEqual(await currentUsage(t.db, clock), usage);
    assert.deepEqual(await computeSnapshot(t.db, clock, t.flavor), dashboard);
  });

  it("has nothing left to prune on a second run", async () => {
    const retention = createRetention({ db: t.db, clock, log: silentLogger, days, flavor: t.flavor });
    assert.deepEqual(await retention.run(), {
      executions: 0,
      violations: 0,
      alerts: 0,
      quotaWindows: 0,
      audit: 0,
      sessions: 0,
      scoreHistory: 0,
      deliveries: 0,
      notifications: 0,
    });
  });
});
