import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { SYSTEM } from "../../lib/domain/audit";
import { noEvents } from "../../lib/domain/events";
import { createMitigationService, mitigationCreateSchema } from "../../lib/domain/mitigations";
import { fixedClock, testDb } from "../support/db";

describe("mitigation service", () => {
  const clock = fixedClock("2026-05-10T00:00:00Z");
  let t: Awaited<ReturnType<typeof testDb>>;
  let mits: ReturnType<typeof createMitigationService>;
  let riskId: number;
  before(async () => {
    t = await testDb();
    mits = createMitigationService({ db: t.db, events: noEvents, clock, flavor: t.flavor });
    riskId = (await t.db.risk.create({ data: { title: "R", severity: "low", likelihood: 0.1, impact: 0.1, score: 0.1 } })).id;
  });
  after(() => t.close());

  it("completed means 100 % and 100 % means completed", async () => {
    const a = await mits.create(
      mitigationCreateSchema.parse({ risk_id: riskId, title: "a", status: "completed", due_date: "2026-05-01" }),
      SYSTEM,
    );
    assert.equal(a.completion_percent, 100);
    assert.equal(a.completed_at, "2026-05-10T00:00:00.000Z");
    const b = await mits.create(mitigationCreateSchema.parse({ risk_id: riskId, title: "b", due_date: "2026-06-01" }), SYSTEM);
    const done = await mits.update(b.id, { completion_percent: 100 }, SYSTEM);
    assert.equal(done.status, "completed");
    const reopened = await mits.update(b.id, { status: "in_progress", completion_percent: 60 }, SYSTEM);
    assert.equal(reopened.completed_at, null);
  });

  it("marks and filters overdue: past due and not completed", async () => {
    const late = await mits.create(
      mitigationCreateSchema.parse({
        risk_id: riskId,
        title: "late",
        status: "in_progress",
        completion_percent: 30,
        due_date: "2026-05-01",
      }),
      SYSTEM,
    );
    assert.equal(late.overdue, true);
    assert.equal(late.days_remaining, -9);
    const overdue = await mits.list({ overdue: true, page: 1, page_size: 50 });
    assert.deepEqual(
      overdue.items.map((m) => m.title),
      ["late"],
    );
    const notOverdue = await mits.list({ overdue: false, page: 1, page_size: 50 });
    assert.deepEqual(notOverdue.items.map((m) => m.title).sort(), ["a", "b"]);
  });

  it("refuses a mitigation for a risk that does not exist, naming risk_id", async () => {
    await assert.rejects(
      mits.create(mitigationCreateSchema.parse({ risk_id: 424242, title: "x", due_date: "2026-06-01" }), SYSTEM),
      (e: { status: number; details: { field: string }[] }) => e.status === 400 && e.details[0]!.field === "risk_id",
    );
    assert.equal(await t.db.mitigation.count({ where: { riskId: 424242 } }), 0);
  });

  it("rejects an out-of-range completion and a malformed date", () => {
    const r = mitigationCreateSchema.safeParse({ risk_id: 1, title: "x", completion_percent: 101, due_date: "next week" });
    assert.deepEqual(r.error!.issues.map((i) => i.path[0]).sort(), ["completion_percent", "due_date"]);
  });
});

describe("mitigation update schema", () => {
  it("leaves out what a PATCH does not name (no defaults sneak in)", async () => {
    const { mitigationUpdateSchema } = await import("../../lib/domain/mitigations");
    assert.deepEqual(mitigationUpdateSchema.parse({ title: "x" }), { title: "x" });
    assert.equal(mitigationUpdateSchema.safeParse({}).success, false);
  });
});
