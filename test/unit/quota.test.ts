// Quota arithmetic, period boundaries, throttle, alert rules and concurrency, with a fixed clock.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import type { DomainEvent } from "../../lib/domain/events";
import { parseAlertRules } from "../../lib/config";
import { createAlertRuleService, DEFAULT_ALERT_RULES } from "../../lib/domain/quota/alert-rules";
import { createAlertService } from "../../lib/domain/quota/alerts";
import { SYSTEM } from "../../lib/domain/audit";
import { createCommandService } from "../../lib/domain/quota/commands";
import { createQuotaAdmin, createQuotaCache } from "../../lib/domain/quota/quotas";
import { createCommandRecorder, type CommandRecorder } from "../../lib/domain/quota/recorder";
import { computeQuotaStats } from "../../lib/domain/quota/stats";
import { throttleFactor } from "../../lib/domain/quota/throttle";
import { fixedClock, testDb } from "../support/db";

describe("quotas", () => {
  const clock = fixedClock("2026-11-22T10:59:00Z");
  const events: DomainEvent[] = [];
  let t: Awaited<ReturnType<typeof testDb>>;
  let recorder: CommandRecorder;
  let admin: ReturnType<typeof createQuotaAdmin>;
  let commands: ReturnType<typeof createCommandService>;
  let ann: { id: number; name: string }, bob: { id: number; name: string };
  const of = (type: DomainEvent["type"]) => events.filter((e) => e.type === type);

  before(async () => {
    t = await testDb("quota");
    const bus = { publish: (e: DomainEvent) => events.push(e) };
    const cache = createQuotaCache(t.db);
    admin = createQuotaAdmin({ db: t.db, events: bus, cache });
    const rules = createAlertRuleService({ db: t.db, flavor: t.flavor, events: bus, clock });
    await rules.seedDefaults(DEFAULT_ALERT_RULES, SYSTEM);
    const alerts = createAlertService({ db: t.db, flavor: t.flavor, events: bus, clock, rules });
    // Generous: the test is about exactness under 200 concurrent commands, on a shared 2-core machine (a pool wait counts against the connect timeout).
    recorder = createCommandRecorder(t.url, t.flavor, { timeoutMs: 30_000, connectTimeoutMs: 30_000, poolSize: 4 });
    commands = createCommandService({ db: t.db, events: bus, clock, alerts, quotas: cache, recorder });
    ann = await t.db.user.create({ data: { email: "ann@x.test", name: "Ann", role: "analyst", passwordHash: "x" } });
    bob = await t.db.user.create({ data: { email: "bob@x.test", name: "Bob", role: "analyst", passwordHash: "x" } });
    await admin.set({ command_type: "shell", period: "hourly", limit: 2 }, SYSTEM);
    await admin.set({ command_type: "shell", period: "daily", limit: 3 }, SYSTEM);
  });
  after(async () => {
    await recorder.close();
    await t.close();
  });
  beforeEach(() => (events.length = 0));

  it("counts per period and refuses past the first exhausted limit, counting the refused command nowhere", async () => {
    const r1 = await commands.execute(ann, "shell");
    assert.deepEqual([r1.allowed, r1.remaining], [true, { hourly: 1, daily: 2 }]);
    const r2 = await commands.execute(ann, "shell");
    assert.deepEqual([r2.allowed, r2.remaining, r2.throttle_factor], [true, { hourly: 0, daily: 1 }, 0]);
    const r3 = await commands.execute(ann, "shell");
    assert.equal(r3.allowed, false);
    assert.deepEqual(r3.remaining, { hourly: 0, daily: 1 });
    assert.deepEqual([r3.violation?.period, r3.violation?.limit, r3.violation?.attempted, r3.violation?.username], ["hourly", 2, 3, "Ann"]);
    const usage = await t.db.quotaUsage.findMany({ where: { userId: ann.id }, orderBy: { period: "asc" } });
    assert.deepEqual(
      usage.map((u) => [u.period, u.count]),
      [
        ["daily", 2],
        ["hourly", 2],
      ],
    );
    assert.equal(await t.db.commandExecution.count({ where: { userId: ann.id, allowed: false } }), 1);
    assert.equal(of("violation.created").length, 1);
  });

  it("opens a new hourly window on the hour while the daily window keeps counting", async () => {
    clock.set("2026-11-22T11:00:00Z");
    const r = await commands.execute(ann, "shell");
    assert.deepEqual([r.allowed, r.remaining], [true, { hourly: 1, daily: 0 }]);
    const refused = await commands.execute(ann, "shell");
    assert.deepEqual([refused.allowed, refused.violation?.period], [false, "daily"]);
    clock.set("2026-11-23T00:00:00Z"); // a new day: both windows are fresh
    assert.deepEqual((await commands.execute(ann, "shell")).remaining, { hourly: 1, daily: 2 });
    clock.set("2026-11-22T11:00:00Z");
  });

  it("applies a user's own quota instead of the default, and only to that user", async () => {
    await admin.set({ user_id: bob.id, command_type: "shell", period: "hourly", limit: 1 }, SYSTEM);
    assert.deepEqual((await commands.execute(bob, "shell")).remaining, { hourly: 0, daily: 2 });
    assert.equal((await commands.execute(bob, "shell")).allowed, false);
    assert.equal(of("quota.changed").length, 1);
    assert.equal((await commands.execute(ann, "code")).allowed, true, "no quota: unlimited");
  });

  it("raises each seeded alert rule once per user within its cooldown: warning at 3, critical at 5", async () => {
    clock.set("2026-11-24T09:00:00Z");
    await admin.set({ user_id: bob.id, command_type: "deploy", period: "daily", limit: 0 }, SYSTEM);
    const severities = [];
    for (let i = 1; i <= 7; i++) {
      events.length = 0;
      await commands.execute(bob, "deploy");
      severities.push(
        of("alert.raised")
          .map((e) => (e.type === "alert.raised" ? e.alert.severity : ""))
          .join(),
      );
    }
    assert.deepEqual(severities, ["", "", "warning", "", "critical", "", ""]);
    assert.equal(await t.db.alert.count({ where: { userId: bob.id, createdAt: { gte: new Date("2026-11-24") } } }), 2);
  });

  it("publishes throttle when a user's factor crosses a band", async () => {
    clock.set("2026-11-25T09:00:00Z");
    await admin.set({ user_id: ann.id, command_type: "lint", period: "daily", limit: 4 }, SYSTEM);
    const bands = [];
    for (let i = 0; i < 4; i++) {
      events.length = 0;
      await commands.execute(ann, "lint");
      bands.push(
        of("throttle.changed")
          .map((e) => (e.type === "throttle.changed" ? e.throttle.band : ""))
          .join(),
      );
    }
    assert.deepEqual(bands, ["", "", "throttled", "blocked"]); // 1/4 free, 2/4 free, 3/4 → 0.5, 4/4 → 0
  });

  it("grants exactly the limit under 200 concurrent commands, and records every refusal", async () => {
    clock.set("2026-11-26T09:00:00Z");
    await admin.set({ user_id: ann.id, command_type: "burst", period: "hourly", limit: 50 }, SYSTEM);
    const results = await Promise.all(Array.from({ length: 200 }, () => commands.execute(ann, "burst")));
    assert.equal(results.filter((r) => r.allowed).length, 50);
    assert.equal(results.filter((r) => !r.allowed).length, 150);
    const counter = await t.db.quotaUsage.findFirst({ where: { userId: ann.id, commandType: "burst" } });
    assert.equal(counter?.count, 50);
    assert.equal(await t.db.violation.count({ where: { userId: ann.id, commandType: "burst" } }), 150);
    assert.equal(
      await t.db.alert.count({ where: { userId: ann.id, createdAt: { gte: new Date("2026-11-26") } } }),
      2,
      "each rule once, despite the race",
    );
  });

  it("computes stats from today's rows and the current windows", async () => {
    const s = await computeQuotaStats(t.db, clock, () => ({ cpu_percent: 12.5, memory_percent: 40 }));
    assert.equal(s.total_users, 2);
    assert.equal(s.commands_today, 50);
    assert.equal(s.violations_today, 150);
    assert.equal(s.high_utilization_count, 1);
    assert.equal(s.average_throttle_factor, 0.5); // Ann blocked (0), Bob free (1)
    assert.deepEqual(s.system_load, { cpu_percent: 12.5, memory_percent: 40 });
  });

  it("parses alert rules and refuses nonsense; throttle is 1 to half, then falls to 0", () => {
    assert.deepEqual(parseAlertRules("2:warning, 10:critical"), [
      { count: 2, severity: "warning" },
      { count: 10, severity: "critical" },
    ]);
    assert.throws(() => parseAlertRules("3:panic"), /is not <count>:<warning\|critical>/);
    assert.deepEqual(
      [0, 5, 6, 8, 10].map((u) => throttleFactor(u, 10)),
      [1, 1, 0.8, 0.4, 0],
    );
  });
});
