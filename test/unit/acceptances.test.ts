// Risk acceptance, four-eyes: requests, decisions, revocation and expiry, graded by the
// database (the acceptance and risk rows, the audit entries, the dashboard's full read) and the
// events published after commit; a fixed clock moves past the expiry.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { acceptanceRequestSchema } from "../../lib/domain/acceptance-rules";
import { createAcceptanceService, type Decider } from "../../lib/domain/acceptances";
import { actorOf, SYSTEM } from "../../lib/domain/audit";
import { computeSnapshot } from "../../lib/domain/dashboard/snapshot";
import type { DomainEvent } from "../../lib/domain/events";
import { createMyWork } from "../../lib/domain/my-work";
import { createRiskService, riskCreateSchema } from "../../lib/domain/risks";
import { DAY_MS } from "../../lib/domain/time";
import { webhookEventOf } from "../../lib/domain/webhooks/outbox";
import { fixedClock, testDb } from "../support/db";

describe("risk acceptance", () => {
  const clock = fixedClock("2026-03-01T10:00:00Z");
  const events: DomainEvent[] = [];
  const staged: DomainEvent[] = [];
  let t: Awaited<ReturnType<typeof testDb>>;
  let risks: ReturnType<typeof createRiskService>;
  let acc: ReturnType<typeof createAcceptanceService>;
  let ann: Decider, root: Decider, boss: Decider;
  before(async () => {
    t = await testDb();
    const deps = {
      db: t.db,
      // Staged: what the outbox writes inside the change's transaction (webhook rows).
      events: { publish: (e: DomainEvent) => events.push(e), stage: async (_tx: unknown, e: DomainEvent) => void staged.push(e) },
      clock,
      flavor: t.flavor,
    };
    risks = createRiskService(deps);
    acc = createAcceptanceService(deps);
    const user = async (email: string, role: "admin" | "analyst"): Promise<Decider> => {
      const u = await t.db.user.create({ data: { email, name: email.split("@")[0]!, role, passwordHash: "x" } });
      return { actor: actorOf({ userId: u.id, email }), role };
    };
    ann = await user("ann@x.test", "analyst");
    root = await user("root@x.test", "admin");
    boss = await user("boss@x.test", "admin");
  });
  after(() => t.close());
  const risk = (body: Record<string, unknown> = {}) =>
    risks.create(riskCreateSchema.parse({ title: "R", severity: "medium", likelihood: 0.5, impact: 0.5, ...body }), SYSTEM);
  const ask = (riskId: number, who: Decider, days = 30) =>
    acc.request(
      riskId,
      acceptanceRequestSchema.parse({
        justification: "cheaper to live with",
        expires_at: new Date(clock.now().getTime() + days * DAY_MS).toISOString(),
      }),
      who.actor,
    );
  const row = (id: number) => t.db.riskAcceptance.findUniqueOrThrow({ where: { id } });
  const treatment = async (id: number) => (await t.db.risk.findUniqueOrThrow({ where: { id } })).treatment;
  const refusal = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (e) {
      const err = e as { status: number; code: string };
      return { status: err.status, code: err.code };
    }
    return null;
  };

  it("a request sets treatment accept, counts as pending, is audited and becomes an acceptance.requested webhook event", async () => {
    const r = await risk();
    events.length = 0;
    const a = await ask(r.id, ann);
    assert.equal(a.status, "pending");
    assert.equal(await treatment(r.id), "accept");
    assert.equal((await row(a.id)).requestedById, ann.actor.id);
    const snap = await computeSnapshot(t.db, clock, t.flavor);
    assert.equal(snap.review_status.pending_acceptances, await t.db.riskAcceptance.count({ where: { status: "pending" } }));
    assert.ok(await t.db.auditEntry.findFirst({ where: { entity: "acceptance", entityId: String(a.id), action: "requested" } }));
    const ev = events.find((e) => e.type === "acceptance.changed");
    assert.equal(ev && webhookEventOf(ev)?.type, "acceptance.requested");
    assert.ok(
      staged.some((e) => e.type === "acceptance.changed" && e.acceptance.id === a.id),
      "staged in the request's transaction",
    );
    // One pending request per risk.
    assert.deepEqual(await refusal(ask(r.id, ann)), { status: 409, code: "acceptance_pending" });
    // An expiry in the past is refused on the field.
    assert.equal((await refusal(ask(r.id, ann, -1)))?.status, 400);
  });

  it("four-eyes: the requester may not approve or reject their own request; another admin may", async () => {
    const r = await risk();
    const a = await ask(r.id, root);
    assert.deepEqual(await refusal(acc.approve(a.id, {}, root)), { status: 403, code: "four_eyes" });
    assert.deepEqual(await refusal(acc.reject(a.id, {}, root)), { status: 403, code: "four_eyes" });
    assert.equal((await row(a.id)).status, "pending");
    const until = new Date(clock.now().getTime() + 10 * DAY_MS);
    const ok = await acc.approve(a.id, { note: "fine for a quarter", expires_at: until }, boss);
    assert.equal(ok.status, "approved");
    const stored = await row(a.id);
    assert.equal(stored.decidedById, boss.actor.id);
    assert.equal(stored.decisionNote, "fine for a quarter");
    assert.equal(stored.expiresAt.toISOString(), until.toISOString());
    assert.equal(await treatment(r.id), "accept");
    // Decided once: a second decision is refused.
    assert.deepEqual(await refusal(acc.reject(a.id, {}, boss)), { status: 409, code: "acceptance_closed" });
  });

  it("rejecting or revoking reopens the treatment decision; only admins or the requester (pending) may revoke", async () => {
    const r1 = await risk();
    const a1 = await ask(r1.id, ann);
    await acc.reject(a1.id, { note: "mitigate it" }, root);
    assert.equal((await row(a1.id)).status, "rejected");
    assert.equal(await treatment(r1.id), null);

    const r2 = await risk();
    const a2 = await ask(r2.id, root);
    assert.deepEqual(await refusal(acc.revoke(a2.id, {}, ann)), { status: 403, code: "forbidden" });
    await acc.approve(a2.id, {}, boss);
    await acc.revoke(a2.id, { note: "circumstances changed" }, root);
    assert.equal((await row(a2.id)).status, "revoked");
    assert.equal(await treatment(r2.id), null);
    assert.ok(await t.db.auditEntry.findFirst({ where: { entity: "risk", entityId: String(r2.id), actorId: root.actor.id } }));
    assert.deepEqual(await refusal(acc.revoke(a2.id, {}, root)), { status: 409, code: "acceptance_closed" });

    // The requester may withdraw their own pending request.
    const r3 = await risk();
    const a3 = await ask(r3.id, ann);
    assert.equal((await acc.revoke(a3.id, {}, ann)).status, "revoked");
  });

  it("an edit to treatment accept opens a request; moving away revokes it", async () => {
    const r = await risk({ treatment: "mitigate" });
    await risks.update(r.id, { treatment: "accept" }, ann.actor);
    const open = await t.db.riskAcceptance.findFirstOrThrow({ where: { riskId: r.id } });
    assert.equal(open.status, "pending");
    assert.equal(open.requestedById, ann.actor.id);
    await risks.update(r.id, { treatment: "transfer" }, ann.actor);
    assert.equal((await row(open.id)).status, "revoked");
  });

  it("past its expiry an acceptance expires on the tick and the decision reopens; a renewal replaces the old one", async () => {
    const r = await risk();
    const a = await ask(r.id, ann, 2);
    await acc.approve(a.id, {}, root);
    const renewal = await ask(r.id, ann, 60);
    await acc.approve(renewal.id, {}, boss);
    assert.equal((await row(a.id)).status, "revoked"); // superseded
    const r2 = await risk();
    const b = await ask(r2.id, ann, 1);
    await acc.approve(b.id, {}, root);
    assert.equal(await acc.expireDue(), 0);
    clock.set(new Date(clock.now().getTime() + 2 * DAY_MS).toISOString());
    events.length = 0;
    assert.ok((await acc.expireDue()) >= 1);
    assert.equal((await row(b.id)).status, "expired");
    assert.equal((await row(b.id)).decidedById, root.actor.id); // the decision it ended stays on record
    assert.equal(await treatment(r2.id), null);
    assert.equal((await row(renewal.id)).status, "approved");
    assert.equal(await treatment(r.id), "accept");
    assert.ok(events.some((e) => e.type === "risk.changed" && e.riskId === r2.id && e.after?.treatment === null));
    assert.ok(
      await t.db.auditEntry.findFirst({ where: { entity: "acceptance", entityId: String(b.id), action: "expired", actorId: null } }),
    );
    assert.equal(await acc.expireDue(), 0); // once
  });

  it("My work: an admin sees pending requests of others, never their own; an analyst none", async () => {
    const myWork = createMyWork({ db: t.db, clock, acceptances: acc });
    const r = await risk({ owner_id: ann.actor.id });
    const mine = await ask(r.id, root);
    const work = await myWork({ userId: root.actor.id!, role: "admin" });
    assert.ok(!work.acceptances.some((a) => a.id === mine.id));
    assert.ok((await myWork({ userId: boss.actor.id!, role: "admin" })).acceptances.some((a) => a.id === mine.id));
    const annWork = await myWork({ userId: ann.actor.id!, role: "analyst" });
    assert.deepEqual(annWork.acceptances, []);
    assert.ok(annWork.risks.some((x) => x.id === r.id));
  });
});
