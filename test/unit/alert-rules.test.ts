// Alert rules as data: edits (validated, audited), seeding once, and each kind raising alerts
// with its cooldown claimed in the database — graded by the rows the database holds.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { SYSTEM } from "../../lib/domain/audit";
import type { DomainEvent } from "../../lib/domain/events";
import { createAlertRuleService, DEFAULT_ALERT_RULES } from "../../lib/domain/quota/alert-rules";
import { createAlertService } from "../../lib/domain/quota/alerts";
import type { UsageRow } from "../../lib/domain/quota/stats";
import { fixedClock, testDb } from "../support/db";

describe("alert rules", () => {
  const clock = fixedClock("2026-11-22T10:00:00Z");
  const events: DomainEvent[] = [];
  const bus = { publish: (e: DomainEvent) => events.push(e) };
  let t: Awaited<ReturnType<typeof testDb>>;
  let rules: ReturnType<typeof createAlertRuleService>;
  let alerts: ReturnType<typeof createAlertService>;
  let ann: { id: number; name: string }, bob: { id: number; name: string };
  const ada = { id: null, label: "ada@x.test" };
  const idle = { cpu_percent: 5, memory_percent: 30 };
  const usage = (userId: number, name: string, used: number, limit: number, factor: number): UsageRow => ({
    user_id: userId,
    username: name,
    command_type: "deploy",
    period: "daily",
    used,
    limit,
    utilization: used / limit,
    throttle_factor: factor,
  });
  const violate = (userId: number, n: number) =>
    t.db.violation.createMany({
      data: Array.from({ length: n }, () => ({
        userId,
        commandType: "deploy",
        period: "daily",
        limit: 1,
        attempted: 2,
        message: "x",
        createdAt: clock.now(),
      })),
    });
  const alertsFor = (ruleId: number) => t.db.alert.findMany({ where: { ruleId }, orderBy: { id: "asc" } });
  const minutes = (n: number) => clock.set(new Date(clock.now().getTime() + n * 60_000).toISOString());

  before(async () => {
    t = await testDb("alert-rules");
    rules = createAlertRuleService({ db: t.db, flavor: t.flavor, events: bus, clock });
    alerts = createAlertService({ db: t.db, flavor: t.flavor, events: bus, clock, rules });
    ann = await t.db.user.create({ data: { email: "ann@x.test", name: "Ann", role: "analyst", passwordHash: "x" } });
    bob = await t.db.user.create({ data: { email: "bob@x.test", name: "Bob", role: "analyst", passwordHash: "x" } });
  });
  after(() => t.close());
  beforeEach(() => (events.length = 0));

  it("seeds ALERT_RULES into a database that never had rules, and only once", async () => {
    assert.equal(await rules.seedDefaults(DEFAULT_ALERT_RULES, SYSTEM), 2);
    const seeded = (await rules.list()).items;
    assert.deepEqual(
      seeded.map((r) => r.kind === "violations" && [r.count, r.window_minutes, r.severity, r.cooldown_minutes, r.user_id]),
      [
        [3, 1440, "warning", 1440, null],
        [5, 1440, "critical", 1440, null],
      ],
    );
    for (const r of seeded) await rules.remove(r.id, ada);
    assert.equal(await rules.seedDefaults(DEFAULT_ALERT_RULES, SYSTEM), 0, "deleting every rule is not undone by a restart");
    assert.equal((await rules.list()).items.length, 0);
  });

  it("creates, changes and deletes rules, validated for their kind and audited", async () => {
    const r = await rules.create(
      { kind: "utilization", percent: 90, severity: "warning", user_id: ann.id, enabled: true, cooldown_minutes: 30 },
      ada,
    );
    assert.deepEqual([r.kind, r.name, r.username], ["utilization", "Utilisation ≥ 90 %", "Ann"]);
    const changed = await rules.update(r.id, { percent: 80, severity: "critical" }, ada);
    assert.deepEqual(
      [changed.kind === "utilization" && changed.percent, changed.severity, changed.name],
      [80, "critical", "Utilisation ≥ 80 %"],
    );
    // A kind change must bring the new kind's fields; a system rule belongs to no user.
    await assert.rejects(() => rules.update(r.id, { kind: "throttle" }, ada), /factor|minutes/);
    await assert.rejects(() => rules.update(r.id, { kind: "system", resource: "cpu", percent: 90, minutes: 5 }, ada), /not a user/);
    const moved = await rules.update(r.id, { kind: "throttle", factor: 0.5, minutes: 10 }, ada);
    assert.deepEqual([moved.kind, moved.kind === "throttle" && moved.factor, moved.user_id], ["throttle", 0.5, ann.id]);
    await assert.rejects(
      () =>
        rules.create(
          { kind: "violations", count: 2, window_minutes: 60, severity: "warning", user_id: 99_999, enabled: true, cooldown_minutes: 60 },
          ada,
        ),
      /validation failed/,
    );
    await rules.remove(r.id, ada);
    await assert.rejects(() => rules.remove(r.id, ada), /not found/);
    const trail = await t.db.auditEntry.findMany({ where: { entity: "alert_rule", entityId: String(r.id) }, orderBy: { id: "asc" } });
    assert.deepEqual(
      trail.map((e) => [e.action, e.actorLabel]),
      [
        ["created", "ada@x.test"],
        ["updated", "ada@x.test"],
        ["updated", "ada@x.test"],
        ["deleted", "ada@x.test"],
      ],
    );
    assert.deepEqual(JSON.parse(trail[1]!.changes).percent, [90, 80]);
    assert.ok(events.some((e) => e.type === "alert_rule.changed" && e.ruleId === r.id && e.change === "deleted"));
  });

  it("violations in a window: fires once per user within the cooldown, again after it, only for its scope", async () => {
    const r = await rules.create(
      { kind: "violations", count: 2, window_minutes: 10, severity: "critical", user_id: null, enabled: true, cooldown_minutes: 30 },
      ada,
    );
    await violate(ann.id, 1);
    assert.equal((await alerts.evaluate(ann.id)).length, 0);
    await violate(ann.id, 1);
    const [first] = await alerts.evaluate(ann.id);
    assert.deepEqual(
      [first?.user_id, first?.rule_id, first?.severity, first?.message],
      [ann.id, r.id, "critical", "Critical: 2 quota violations in 10 min"],
    );
    await violate(ann.id, 3);
    assert.equal((await alerts.evaluate(ann.id)).length, 0, "in cooldown");
    minutes(31);
    assert.equal((await alerts.evaluate(ann.id)).length, 0, "the old violations left the 10-minute window");
    await violate(ann.id, 2);
    assert.equal((await alerts.evaluate(ann.id)).length, 1, "after the cooldown");
    const onlyBob = await rules.update(r.id, { user_id: bob.id }, ada);
    minutes(31);
    await violate(ann.id, 2);
    assert.equal((await alerts.evaluate(ann.id)).length, 0, "the rule is Bob's now");
    await rules.update(onlyBob.id, { enabled: false, user_id: null }, ada);
    await violate(bob.id, 2);
    assert.equal((await alerts.evaluate(bob.id)).length, 0, "disabled");
    assert.equal((await alertsFor(r.id)).length, 2);
    await rules.remove(r.id, ada);
  });

  it("one alert per rule and subject when two instances evaluate the same burst at once", async () => {
    const r = await rules.create(
      { kind: "violations", count: 3, window_minutes: 60, severity: "warning", user_id: null, enabled: true, cooldown_minutes: 60 },
      ada,
    );
    // A second instance: its own services and caches over the same database.
    const other = createAlertService({
      db: t.db,
      flavor: t.flavor,
      events: bus,
      clock,
      rules: createAlertRuleService({ db: t.db, flavor: t.flavor, events: bus, clock }),
    });
    minutes(120);
    await violate(bob.id, 5);
    const raised = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? alerts : other).evaluate(bob.id)));
    assert.equal(raised.flat().length, 1);
    assert.equal((await alertsFor(r.id)).length, 1);
    assert.equal(await t.db.alertCooldown.count({ where: { ruleId: r.id } }), 1);
    await rules.remove(r.id, ada);
  });

  it("on the stats tick: utilisation at once, throttle and system load only when sustained", async () => {
    const util = await rules.create(
      { kind: "utilization", percent: 80, severity: "warning", user_id: null, enabled: true, cooldown_minutes: 60 },
      ada,
    );
    const thr = await rules.create(
      { kind: "throttle", factor: 0.5, minutes: 5, severity: "warning", user_id: null, enabled: true, cooldown_minutes: 60 },
      ada,
    );
    const cpu = await rules.create(
      { kind: "system", resource: "cpu", percent: 90, minutes: 2, severity: "critical", enabled: true, cooldown_minutes: 60 },
      ada,
    );
    const busy = [usage(ann.id, "Ann", 9, 10, 0.2), usage(bob.id, "Bob", 5, 10, 1)];
    const types = async (u: UsageRow[], load = idle) =>
      (await alerts.evaluateTick({ usage: u, load })).map((a) => `${a.alert_type}:${a.user_id}`);

    assert.deepEqual(await types(busy, { cpu_percent: 95, memory_percent: 30 }), [`high_utilization:${ann.id}`]);
    minutes(3);
    assert.deepEqual(await types(busy, { cpu_percent: 95, memory_percent: 30 }), ["high_system_load:null"], "CPU high for 3 min");
    minutes(1);
    assert.deepEqual(await types(busy, idle), []);
    minutes(1);
    assert.deepEqual(await types([usage(ann.id, "Ann", 6, 10, 0.8)], idle), [], "Ann recovered: the throttle timer restarts");
    minutes(1);
    assert.deepEqual(await types(busy), []);
    minutes(5);
    assert.deepEqual(await types(busy), [`sustained_throttling:${ann.id}`]);
    minutes(1);
    assert.deepEqual(await types(busy), [], "every rule in cooldown");
    const [sys] = await alertsFor(cpu.id);
    assert.deepEqual([sys?.userId, sys?.alertType, sys?.severity], [null, "high_system_load", "critical"]);
    assert.match(sys?.message ?? "", /CPU at 95 % \(above 90 % for 2 min\)/);
    assert.equal((await alertsFor(util.id)).length, 1);
    assert.equal((await alertsFor(thr.id)).length, 1);
  });
});
