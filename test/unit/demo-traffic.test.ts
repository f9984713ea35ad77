// Demo traffic on the demo data: within the first minute's worth of steps it moves the dashboard,
// progresses mitigations and drives one user over a limit (violations, an alert), all through
// the real services — quotas hold, every change is audited as "demo traffic".
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createDemoTraffic, DEMO_ACTOR, hasDemoData } from "../../lib/demo/traffic";
import type { DomainEvent } from "../../lib/domain/events";
import { createMitigationService } from "../../lib/domain/mitigations";
import { SYSTEM } from "../../lib/domain/audit";
import { createAlertRuleService, DEFAULT_ALERT_RULES } from "../../lib/domain/quota/alert-rules";
import { createAlertService } from "../../lib/domain/quota/alerts";
import { createCommandService } from "../../lib/domain/quota/commands";
import { windowStart } from "../../lib/domain/quota/periods";
import { createQuotaCache } from "../../lib/domain/quota/quotas";
import { createCommandRecorder, type CommandRecorder } from "../../lib/domain/quota/recorder";
import { createRiskService } from "../../lib/domain/risks";
import { silentLogger } from "../../lib/log";
import { seedDemo } from "../../lib/seed/seed-demo";
import { fixedClock, testDb } from "../support/db";

describe("demo traffic", () => {
  const clock = fixedClock("2026-11-30T10:20:00Z");
  const events: DomainEvent[] = [];
  let t: Awaited<ReturnType<typeof testDb>>;
  let recorder: CommandRecorder;
  let seeded = false;
  before(async () => {
    t = await testDb("demo");
    assert.equal(await hasDemoData(t.db), false, "an empty database has no one to simulate");
    seeded = await seedDemo(t.db, t.flavor, clock, { risks: 40 });
    recorder = createCommandRecorder(t.url, t.flavor, { timeoutMs: 5000, connectTimeoutMs: 3000, poolSize: 2 });
  });
  after(async () => {
    await recorder.close();
    await t.close();
  });

  it("moves the dashboard, mitigations and the quota console through the services within 20 steps (one minute)", async () => {
    assert.ok(seeded && (await hasDemoData(t.db)));
    const bus = { publish: (e: DomainEvent) => events.push(e) };
    const rules = createAlertRuleService({ db: t.db, flavor: t.flavor, events: bus, clock });
    await rules.seedDefaults(DEFAULT_ALERT_RULES, SYSTEM);
    const alerts = createAlertService({ db: t.db, flavor: t.flavor, events: bus, clock, rules });
    const quotas = createQuotaCache(t.db);
    const traffic = createDemoTraffic({
      db: t.db,
      clock,
      log: silentLogger,
      risks: createRiskService({ db: t.db, events: bus, clock, flavor: t.flavor }),
      mitigations: createMitigationService({ db: t.db, events: bus, clock, flavor: t.flavor }),
      commands: createCommandService({ db: t.db, events: bus, clock, alerts, quotas, recorder }),
    });
    const seen: string[] = [];
    for (let i = 0; i < 20; i++) {
      await traffic.tick();
      for (const type of ["risk.changed", "mitigation.changed", "violation.created", "alert.raised"])
        if (!seen.includes(type) && events.some((e) => e.type === type)) seen.push(type);
    }
    assert.deepEqual(seen.sort(), ["alert.raised", "mitigation.changed", "risk.changed", "violation.created"]);
    assert.ok(events.filter((e) => e.type === "risk.changed").length >= 20, "a risk rescored every step");

    // Quotas were not bypassed: the tightest hourly quota's counter stops at its limit.
    const tight = await t.db.commandQuota.findFirst({ where: { period: "hourly", userId: { not: null } }, orderBy: { limit: "asc" } });
    const counter = await t.db.quotaUsage.findFirst({
      where: { userId: tight!.userId!, commandType: tight!.commandType, period: "hourly", windowStart: windowStart("hourly", clock.now()) },
    });
    assert.equal(counter?.count, tight!.limit);
    // Every change is in the audit log under the simulator's name.
    const audited = await t.db.auditEntry.count({ where: { actorLabel: DEMO_ACTOR.label } });
    assert.ok(audited >= 20 + 10, `audited ${audited}`);
  });
});
