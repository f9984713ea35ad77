// The audit log: every change is recorded with its actor and before → after, in the change's
// own transaction (a refused change leaves no entry), and the list filters and pages.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createSessionService } from "../../lib/auth/sessions";
import { actorOf, createAuditService, SYSTEM, type AuditDto, type AuditList } from "../../lib/domain/audit";
import { ConflictError } from "../../lib/domain/errors";
import { noEvents } from "../../lib/domain/events";
import { createMitigationService } from "../../lib/domain/mitigations";
import { createAlertService } from "../../lib/domain/quota/alerts";
import { createQuotaAdmin } from "../../lib/domain/quota/quotas";
import { createRiskService } from "../../lib/domain/risks";
import { createUserService } from "../../lib/domain/users";
import { fixedClock, testDb } from "../support/db";

describe("audit log", () => {
  const clock = fixedClock("2026-05-04T09:00:00Z");
  let t: Awaited<ReturnType<typeof testDb>>;
  let log: ReturnType<typeof createAuditService>;
  let services: {
    risks: ReturnType<typeof createRiskService>;
    mitigations: ReturnType<typeof createMitigationService>;
    quotas: ReturnType<typeof createQuotaAdmin>;
    users: ReturnType<typeof createUserService>;
    alerts: ReturnType<typeof createAlertService>;
  };
  const ada = { id: 0, label: "ada@x.test" };
  const all = async (q: Partial<AuditList> = {}) => (await log.list({ ...q, page: 1, page_size: 100 })).items;

  before(async () => {
    t = await testDb("audit");
    const deps = { db: t.db, events: noEvents, clock, flavor: t.flavor };
    const sessions = createSessionService({ db: t.db, events: noEvents, clock, maxAgeS: 3600 });
    services = {
      risks: createRiskService(deps),
      mitigations: createMitigationService(deps),
      quotas: createQuotaAdmin({ db: t.db, events: noEvents, clock }),
      users: createUserService({ ...deps, sessions }),
      alerts: createAlertService({ ...deps, rules: { enabled: async () => [] } }),
    };
    log = createAuditService({ db: t.db });
    const admin = await services.users.create(
      { email: "ada@x.test", name: "Ada", role: "admin", disabled: false, password: "a long admin passphrase" },
      SYSTEM,
    );
    ada.id = admin.id;
  });
  after(() => t.close());

  it("records who changed a risk, when, and only the fields that changed, before → after", async () => {
    const r = await services.risks.create(
      { title: "Vendor outage", description: "", severity: "high", likelihood: 0.5, impact: 0.5, status: "open" },
      ada,
    );
    clock.set("2026-05-04T10:00:00Z");
    await services.risks.update(r.id, { likelihood: 0.9, title: "Vendor outage" }, ada);
    const [updated, created] = await all({ entity: "risk", entity_id: String(r.id) });
    assert.equal(created!.action, "created");
    assert.equal(created!.changes.title?.[1], "Vendor outage");
    assert.deepEqual({ ...updated, id: 0 }, {
      id: 0,
      at: "2026-05-04T10:00:00.000Z",
      actor_id: ada.id,
      actor: "ada@x.test",
      action: "updated",
      entity: "risk",
      entity_id: String(r.id),
      changes: { likelihood: [0.5, 0.9], score: [2.5, 4.5] },
    } satisfies AuditDto);
  });

  it("records mitigations, quotas, users (never a password) and alert acknowledgements", async () => {
    const risk = await services.risks.create(
      { title: "Key leak", description: "", severity: "critical", likelihood: 0.4, impact: 0.5, status: "open" },
      ada,
    );
    const m = await services.mitigations.create(
      { risk_id: risk.id, title: "Rotate keys", status: "not_started", completion_percent: 0, due_date: new Date("2026-06-01T00:00:00Z") },
      ada,
    );
    await services.mitigations.update(m.id, { completion_percent: 40, status: "in_progress" }, ada);
    const q = await services.quotas.set({ command_type: "deploy", period: "daily", limit: 5 }, ada);
    await services.quotas.remove(q.id, ada);
    const bob = await services.users.create(
      { email: "bob@x.test", name: "Bob", role: "analyst", disabled: false, password: "a different long passphrase" },
      actorOf({ userId: ada.id, email: ada.label }),
    );
    await services.users.update(bob.id, { password: "another long passphrase", role: "admin" }, ada);
    const alert = await t.db.alert.create({
      data: {
        userId: bob.id,
        alertType: "quota_violation",
        severity: "warning",
        ruleKey: "r",
        windowKey: "w",
        message: "m",
        violationCount: 3,
      },
    });
    await services.alerts.acknowledge(alert.id, ada);

    const mit = await all({ entity: "mitigation" });
    assert.deepEqual(
      mit.map((e) => [e.action, e.changes.completion_percent]),
      [
        ["updated", [0, 40]],
        ["created", [null, 0]],
      ],
    );
    assert.deepEqual(
      (await all({ entity: "quota" })).map((e) => e.action),
      ["deleted", "created"],
    );
    const userEntries = await all({ entity: "user", entity_id: String(bob.id) });
    assert.deepEqual(userEntries[0]!.changes.role, ["analyst", "admin"]);
    assert.deepEqual(userEntries[0]!.changes.password, ["(hidden)", "(changed)"]);
    const stored = JSON.stringify(await t.db.auditEntry.findMany());
    assert.ok(!stored.includes("passphrase") && !stored.includes("scrypt"), "no password or hash in the log");
    const [ack] = await all({ entity: "alert" });
    assert.equal(ack!.action, "acknowledged");
    assert.equal(ack!.actor, "ada@x.test");
  });

  it("writes nothing when the change is refused inside its transaction", async () => {
    const before = await t.db.auditEntry.count();
    const admins = await t.db.user.findMany({ where: { role: "admin" } });
    await services.users.update(admins[1]!.id, { role: "analyst" }, ada); // Bob back to analyst: Ada remains
    await assert.rejects(services.users.update(ada.id, { disabled: true }, ada), ConflictError);
    await assert.rejects(services.users.remove(ada.id, ada), ConflictError);
    assert.equal(await t.db.auditEntry.count(), before + 1, "only the demotion that happened");
    assert.equal((await t.db.user.findUnique({ where: { id: ada.id } }))?.disabled, false);
  });

  it("filters by actor and date range and pages newest first", async () => {
    clock.set("2026-05-06T08:00:00Z");
    for (let i = 0; i < 5; i++) {
      await services.risks.create(
        { title: `Later ${i}`, description: "", severity: "low", likelihood: 0.1, impact: 0.1, status: "open" },
        SYSTEM,
      );
    }
    const later = await all({ from: new Date("2026-05-05T00:00:00Z") });
    assert.equal(later.length, 5);
    assert.ok(later.every((e) => e.actor === "system" && e.actor_id === null));
    const earlier = await all({ to: new Date("2026-05-05T00:00:00Z") });
    assert.ok(earlier.length > 0 && earlier.every((e) => e.at < "2026-05-05"));
    const mine = await all({ actor_id: ada.id });
    assert.ok(mine.length > 0 && mine.every((e) => e.actor === "ada@x.test"));

    const page1 = await log.list({ page: 1, page_size: 2, from: new Date("2026-05-05T00:00:00Z") });
    const page3 = await log.list({ page: 3, page_size: 2, from: new Date("2026-05-05T00:00:00Z") });
    assert.equal(page1.total, 5);
    assert.deepEqual(
      page1.items.map((e) => e.changes.title?.[1]),
      ["Later 4", "Later 3"],
    );
    assert.deepEqual(
      page3.items.map((e) => e.changes.title?.[1]),
      ["Later 0"],
    );
  });
});
