// Notifications: who is told of what (an assignment by someone else, an overdue mitigation once per
// due date, an alert to every admin, acceptances), reading and marking read per user only, and the
// user view of the notifications channel letting through nothing of anyone else. Graded by the
// rows and by the events the services publish.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { actorOf, SYSTEM } from "../../lib/domain/audit";
import type { DomainEvent, EventPublisher } from "../../lib/domain/events";
import { createMitigationService, mitigationCreateSchema, mitigationUpdateSchema } from "../../lib/domain/mitigations";
import { checkOverdue, notificationRules } from "../../lib/domain/notification-rules";
import { createNotificationService, markReadSchema, notificationListSchema } from "../../lib/domain/notifications";
import { createRiskService, riskCreateSchema, riskUpdateSchema } from "../../lib/domain/risks";
import { envelope } from "../../lib/contract/frames";
import { logged } from "../../lib/realtime/log/logged";
import { NotificationsProjection, UserViews } from "../../lib/realtime/notifications/feed";
import { fixedClock, testDb } from "../support/db";
import { until } from "../support/socket";

describe("notifications", () => {
  const clock = fixedClock("2026-06-01T09:00:00Z");
  let t: Awaited<ReturnType<typeof testDb>>;
  const published: DomainEvent[] = [];
  let notifications: ReturnType<typeof createNotificationService>;
  let risks: ReturnType<typeof createRiskService>;
  let mits: ReturnType<typeof createMitigationService>;
  let admin: number, alice: number, bob: number;
  const user = async (name: string, role = "analyst") =>
    (await t.db.user.create({ data: { email: `${name}@n.test`, name, role, passwordHash: "x" } })).id;
  const who = (id: number) => actorOf({ userId: id, email: `${id}@n.test` });
  const rowsOf = (userId: number) => t.db.notification.findMany({ where: { userId }, orderBy: { id: "asc" } });

  before(async () => {
    t = await testDb("notifications");
    // The services publish into a bus whose only listener is the rules, as in the app.
    let rules: (e: DomainEvent) => void = () => {};
    const events: EventPublisher = {
      publish(e) {
        published.push(e);
        rules(e);
      },
    };
    notifications = createNotificationService({ db: t.db, events, clock });
    const rule = notificationRules(notifications, (err) => {
      throw err;
    });
    rules = (e) => rule(e, "local");
    const deps = { db: t.db, events, clock, flavor: t.flavor };
    risks = createRiskService(deps);
    mits = createMitigationService(deps);
    admin = await user("Admin", "admin");
    alice = await user("Alice");
    bob = await user("Bob");
  });
  beforeEach(async () => {
    await t.db.notification.deleteMany();
    published.length = 0;
  });
  after(() => t.close());

  it("tells an owner someone else assigned a risk or mitigation to, not one who took it on themselves", async () => {
    const base = { severity: "high", likelihood: 0.5, impact: 0.5 };
    const r = await risks.create(riskCreateSchema.parse({ ...base, title: "Vendor lock-in", owner_id: alice }), who(admin));
    await risks.create(riskCreateSchema.parse({ ...base, title: "mine", owner_id: bob }), who(bob));
    await until(async () => (await rowsOf(alice)).length === 1, 3000, "Alice's notification");
    const [n] = await rowsOf(alice);
    assert.deepEqual([n!.kind, n!.link, n!.riskId, n!.readAt], ["assigned", `/risks/${r.id}`, r.id, null]);
    assert.match(n!.title, /Vendor lock-in/);
    assert.equal((await rowsOf(bob)).length, 0, "taking a risk on yourself tells nobody");

    // A mitigation handed from Alice to Bob tells Bob; an edit keeping the owner tells nobody again.
    const m = await mits.create(
      mitigationCreateSchema.parse({ risk_id: r.id, title: "Second supplier", due_date: "2026-07-01", owner_id: alice }),
      SYSTEM,
    );
    await mits.update(m.id, mitigationUpdateSchema.parse({ owner_id: bob }), who(alice));
    await mits.update(m.id, mitigationUpdateSchema.parse({ title: "Second supplier, signed" }), who(admin));
    await risks.update(r.id, riskUpdateSchema.parse({ title: "Vendor lock-in (cloud)" }), who(admin));
    await until(async () => (await rowsOf(bob)).length === 1, 3000, "Bob's notification");
    const [b] = await rowsOf(bob);
    assert.deepEqual([b!.kind, b!.mitigationId, b!.riskId], ["assigned", m.id, r.id]);
    assert.equal((await rowsOf(alice)).length, 2, "Alice: the risk, and the mitigation SYSTEM gave her");
  });

  it("announces an overdue mitigation once per due date, to its owner and as a mitigation.overdue event", async () => {
    const r = await risks.create(riskCreateSchema.parse({ severity: "low", likelihood: 0.2, impact: 0.2, title: "late" }), SYSTEM);
    const late = await mits.create(
      mitigationCreateSchema.parse({ risk_id: r.id, title: "Patch servers", due_date: "2026-05-30", owner_id: alice }),
      who(alice),
    );
    await mits.create(
      mitigationCreateSchema.parse({ risk_id: r.id, title: "future", due_date: "2026-08-01", owner_id: alice }),
      who(alice),
    );
    await mits.create(
      mitigationCreateSchema.parse({ risk_id: r.id, title: "done", due_date: "2026-05-01", status: "completed", owner_id: alice }),
      who(alice),
    );
    // Two instances looking at once still announce it once.
    const [a, b] = await Promise.all([checkOverdue({ db: t.db, clock, events: pub() }), checkOverdue({ db: t.db, clock, events: pub() })]);
    assert.ok(a + b >= 1);
    assert.equal(await checkOverdue({ db: t.db, clock, events: pub() }), 0, "a second tick announces nothing");
    const overdue = () => published.filter((e) => e.type === "mitigation.overdue" && e.mitigation.id === late.id);
    assert.equal(overdue().length, 1);
    await until(async () => (await rowsOf(alice)).some((n) => n.kind === "mitigation_overdue"), 3000, "the overdue notice");
    assert.deepEqual(
      (await rowsOf(alice)).filter((n) => n.kind === "mitigation_overdue").map((n) => n.mitigationId),
      [late.id],
    );
    // A new due date that passes again is announced again, once.
    await mits.update(late.id, mitigationUpdateSchema.parse({ due_date: "2026-05-31" }), who(alice));
    await checkOverdue({ db: t.db, clock, events: pub() });
    await checkOverdue({ db: t.db, clock, events: pub() });
    assert.equal(overdue().length, 2);
    await until(async () => (await rowsOf(alice)).filter((n) => n.kind === "mitigation_overdue").length === 2, 3000, "the second notice");
  });
  /** The publisher the tests' services use (the rules listen on it). */
  const pub = (): EventPublisher => ({ publish: (e) => (published.push(e), notificationRules(notifications, () => {})(e, "local")) });

  it("tells every active admin of an alert, and the acceptance hooks tell the right people", async () => {
    notificationRules(notifications, () => {})(
      {
        type: "alert.raised",
        alert: {
          alert_id: 9,
          alert_type: "quota_violation",
          severity: "critical",
          user_id: bob,
          username: "Bob",
          message: "Critical: Bob",
        } as never,
      },
      "local",
    );
    await until(async () => (await rowsOf(admin)).length === 1, 3000, "the admin's alert notice");
    assert.deepEqual([(await rowsOf(admin))[0]!.kind, (await rowsOf(admin))[0]!.alertId], ["alert", 9]);
    assert.equal((await rowsOf(bob)).length, 0);

    await notifications.acceptanceRequested({ riskId: 1, riskTitle: "R", requestedBy: alice, approverIds: [admin, alice] });
    await notifications.acceptanceDecided({ riskId: 1, riskTitle: "R", requestedBy: alice, decidedBy: admin, approved: true });
    assert.deepEqual(
      (await rowsOf(admin)).map((n) => n.kind),
      ["alert", "acceptance_requested"],
    );
    assert.deepEqual(
      (await rowsOf(alice)).map((n) => [n.kind, n.title.startsWith("Acceptance approved")]),
      [["acceptance_decided", true]],
    );
  });

  it("lists and marks read only the caller's own, and says so to their other connections", async () => {
    const a1 = await notifications.notify(alice, { kind: "assigned", title: "one" });
    await notifications.notify(alice, { kind: "assigned", title: "two" });
    const b1 = await notifications.notify(bob, { kind: "assigned", title: "Bob's" });
    const page = await notifications.list(alice, notificationListSchema.parse({ unread: "1" }));
    assert.deepEqual([page.total, page.unread, page.items.map((n) => n.title)], [2, 2, ["two", "one"]]);

    // Bob's id in Alice's request is ignored, never marked.
    const r = await notifications.markRead(alice, markReadSchema.parse({ ids: [a1!.id, b1!.id] }));
    assert.deepEqual(r, { marked: 1, unread: 1 });
    assert.equal((await t.db.notification.findUniqueOrThrow({ where: { id: b1!.id } })).readAt, null);
    const read = published.filter((e) => e.type === "notifications.read");
    assert.deepEqual(
      read.map((e) => e.type === "notifications.read" && [e.userId, e.ids, e.unread]),
      [[alice, [a1!.id], 1]],
    );
    assert.deepEqual(await notifications.markRead(alice, { all: true }), { marked: 1, unread: 0 });
    assert.equal((await notifications.list(alice, notificationListSchema.parse({ unread: "1" }))).total, 0);
    assert.equal((await notifications.list(bob, notificationListSchema.parse({}))).unread, 1);
    assert.throws(() => markReadSchema.parse({ ids: [], all: true }));
  });

  it("a user's view of the channel carries that user's messages only, and their own unread count", async () => {
    const projection = new NotificationsProjection();
    const views = new UserViews(projection, async (id) => (id === alice ? 3 : 0));
    const va = await views.forUser(alice);
    const vb = await views.forUser(bob);
    const msg = (type: string, data: unknown) => logged(envelope(type, "5-0.e", data));
    const forBob = msg("notification", { user_id: bob, notification: {}, unread: 1 });
    projection.apply(forBob.envelope as never);
    assert.equal(va.apply(forBob), null);
    assert.equal(vb.apply(forBob), forBob);
    assert.equal(va.apply(msg("notifications_read", { user_id: bob, ids: "all", unread: 0 })), null);
    assert.equal(va.apply(msg("test", { message: "to everyone" })), null, "nothing without a user gets through but replies");
    assert.ok(va.apply(msg("pong", {})));
    const snap = msg("notifications_state", { unread: 0 });
    assert.deepEqual([va.apply(snap)!.envelope.data, vb.apply(snap)!.envelope.data], [{ unread: 3 }, { unread: 1 }]);
  });
});
