// The transactional outbox (lib/domain/webhooks/outbox.ts): a violation, an alert and a risk
// becoming critical write their webhook and e-mail rows in their own transaction. Graded by the
// database: when that transaction fails after the rows were written, neither the change nor a
// row exists; when it commits, both do.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { EventBus } from "../../lib/domain/bus";
import type { DomainEvent } from "../../lib/domain/events";
import { createAlertService } from "../../lib/domain/quota/alerts";
import { createCommandService } from "../../lib/domain/quota/commands";
import type { CommandRecorder } from "../../lib/domain/quota/recorder";
import type { QuotaCache } from "../../lib/domain/quota/quotas";
import { createRiskService } from "../../lib/domain/risks";
import { createEmailService } from "../../lib/domain/webhooks/email";
import { createOutboxStager } from "../../lib/domain/webhooks/outbox";
import { createWebhookService } from "../../lib/domain/webhooks/webhooks";
import { fixedClock, testDb } from "../support/db";

describe("outbox rows commit with their event", () => {
  const clock = fixedClock("2026-12-01T10:00:00Z");
  const ada = { id: null, label: "ada@x.test" };
  let t: Awaited<ReturnType<typeof testDb>>;
  const bus = new EventBus();
  const published: DomainEvent[] = [];
  /** The next staged event fails its transaction after its rows were written (a crash before commit). */
  let crashAfterStaging = false;
  let services: {
    commands: ReturnType<typeof createCommandService>;
    alerts: ReturnType<typeof createAlertService>;
    risks: ReturnType<typeof createRiskService>;
  };
  let ann: { id: number; name: string };
  const rows = () => t.db.outboxMessage.findMany({ orderBy: { id: "asc" } });

  before(async () => {
    t = await testDb("outbox");
    const webhooks = createWebhookService({ db: t.db, clock, allowHosts: new Set(["127.0.0.1"]) });
    const email = createEmailService({ db: t.db, clock, enabled: true });
    const stager = createOutboxStager({ webhooks, email });
    bus.stageWith({
      async stage(tx, e) {
        await stager.stage(tx, e);
        if (crashAfterStaging) throw new Error("crashed before commit");
      },
    });
    bus.subscribe((e) => published.push(e));
    await webhooks.create({ url: "http://127.0.0.1:9/hook", events: ["alert", "violation", "risk.critical"], format: "json" }, ada);
    await t.db.user.create({ data: { email: "root@x.test", name: "Root", role: "admin", passwordHash: "x" } }); // mailed every alert
    ann = await t.db.user.create({ data: { email: "ann@x.test", name: "Ann", role: "analyst", passwordHash: "x" } });
    const alerts = createAlertService({ db: t.db, flavor: t.flavor, events: bus, clock, rules: { enabled: async () => [] } });
    // A quota of 0 refuses before the recorder is asked: the violation path alone.
    const quotas = { effective: async () => [{ period: "daily", limit: 0 }] } as unknown as QuotaCache;
    const recorder = {} as CommandRecorder;
    services = {
      alerts,
      commands: createCommandService({ db: t.db, events: bus, clock, alerts, quotas, recorder }),
      risks: createRiskService({ db: t.db, events: bus, clock, flavor: t.flavor }),
    };
  });
  after(() => t.close());
  beforeEach(async () => {
    crashAfterStaging = false;
    published.length = 0;
    await t.db.outboxMessage.deleteMany();
  });

  it("a violation: rolled back, neither it nor its delivery exists; committed, both do", async () => {
    crashAfterStaging = true;
    await assert.rejects(services.commands.execute(ann, "deploy"), /crashed before commit/);
    assert.equal(await t.db.violation.count(), 0, "no violation");
    assert.deepEqual(await rows(), [], "no outbox row");
    assert.deepEqual(published, [], "nothing published");

    crashAfterStaging = false;
    const r = await services.commands.execute(ann, "deploy");
    assert.equal(r.allowed, false);
    assert.equal(await t.db.violation.count(), 1);
    const queued = await rows();
    assert.deepEqual(
      queued.map((m) => [m.channel, m.event]),
      [["webhook", "violation"]],
      "one webhook delivery (violations are mailed to nobody by default)",
    );
    assert.equal(JSON.parse(queued[0]!.body).data.id, r.violation!.id, "the delivery names the committed violation");
  });

  it("an alert: rolled back, no alert and no delivery; committed, its webhook and its e-mail", async () => {
    crashAfterStaging = true;
    await assert.rejects(services.alerts.raiseSystem("webhook_disabled", "Critical: webhook 1 disabled"), /crashed before commit/);
    assert.equal(await t.db.alert.count(), 0);
    assert.deepEqual(await rows(), []);

    crashAfterStaging = false;
    const alert = await services.alerts.raiseSystem("webhook_disabled", "Critical: webhook 1 disabled");
    assert.equal(await t.db.alert.count(), 1);
    const queued = await rows();
    assert.deepEqual(queued.map((m) => [m.channel, m.event, m.recipient]).sort(), [
      ["email", "alert", "root@x.test"],
      ["webhook", "alert", null],
    ]);
    assert.equal(JSON.parse(queued.find((m) => m.channel === "webhook")!.body).data.alert_id, alert.alert_id);
  });

  it("a risk becoming critical: rolled back, the risk is unchanged and nothing is queued; committed, one delivery", async () => {
    const risk = await services.risks.create(
      { title: "Vendor outage", description: "", severity: "medium", likelihood: 0.5, impact: 0.5, status: "open" },
      ada,
    );
    assert.deepEqual(await rows(), [], "a medium risk is not an event");
    crashAfterStaging = true;
    await assert.rejects(services.risks.update(risk.id, { severity: "critical" }, ada), /crashed before commit/);
    assert.equal((await t.db.risk.findUniqueOrThrow({ where: { id: risk.id } })).severity, "medium", "the change rolled back");
    assert.deepEqual(await rows(), []);

    crashAfterStaging = false;
    await services.risks.update(risk.id, { severity: "critical" }, ada);
    assert.deepEqual(
      (await rows()).map((m) => [m.channel, m.event]),
      [["webhook", "risk.critical"]],
    );
    await services.risks.update(risk.id, { title: "Vendor outage (still critical)" }, ada);
    assert.equal((await rows()).length, 1, "staying critical is no new event");
  });
});
