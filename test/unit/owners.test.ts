// Owners of risks and mitigations: set, cleared, filtered, sorted, audited; an unknown or
// disabled owner is a field error; deleting the user leaves the item unowned. Graded by the rows.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { SYSTEM } from "../../lib/domain/audit";
import { noEvents } from "../../lib/domain/events";
import { createMitigationService, mitigationCreateSchema, mitigationListSchema } from "../../lib/domain/mitigations";
import { createRiskService, riskCreateSchema, riskListSchema, riskUpdateSchema } from "../../lib/domain/risks";
import { fixedClock, testDb } from "../support/db";

describe("owners", () => {
  const clock = fixedClock("2026-06-01T09:00:00Z");
  let t: Awaited<ReturnType<typeof testDb>>;
  let risks: ReturnType<typeof createRiskService>;
  let mits: ReturnType<typeof createMitigationService>;
  let alice: number, bob: number, gone: number;
  const user = async (name: string, disabled = false) =>
    (await t.db.user.create({ data: { email: `${name}@x.test`, name, role: "analyst", passwordHash: "x", disabled } })).id;
  before(async () => {
    t = await testDb();
    const deps = { db: t.db, events: noEvents, clock, flavor: t.flavor };
    risks = createRiskService(deps);
    mits = createMitigationService(deps);
    alice = await user("Alice");
    bob = await user("Bob");
    gone = await user("Gone", true);
  });
  after(() => t.close());

  it("stores, shows, filters and sorts by the owner of a risk", async () => {
    const base = { severity: "high", likelihood: 0.5, impact: 0.5 };
    const a = await risks.create(riskCreateSchema.parse({ ...base, title: "owned by Bob", owner_id: bob }), SYSTEM);
    await risks.create(riskCreateSchema.parse({ ...base, title: "owned by Alice", owner_id: alice }), SYSTEM);
    await risks.create(riskCreateSchema.parse({ ...base, title: "unowned" }), SYSTEM);
    assert.deepEqual(a.owner, { id: bob, name: "Bob", email: "Bob@x.test" });
    assert.equal((await t.db.risk.findUniqueOrThrow({ where: { id: a.id } })).ownerId, bob);

    const mine = await risks.list(riskListSchema.parse({ owner_id: String(bob) }));
    assert.deepEqual(
      mine.items.map((r) => r.title),
      ["owned by Bob"],
    );
    const nobody = await risks.list(riskListSchema.parse({ owner_id: "none" }));
    assert.deepEqual(
      nobody.items.map((r) => r.title),
      ["unowned"],
    );
    const byOwner = await risks.list(riskListSchema.parse({ sort: "owner", order: "asc" }));
    assert.deepEqual(
      byOwner.items.map((r) => r.owner?.name ?? null),
      ["Alice", "Bob", null],
    );
    // Unowned last in either direction, and pages cut across the owned/unowned boundary.
    const desc = await risks.list(riskListSchema.parse({ sort: "owner", order: "desc" }));
    assert.deepEqual(
      desc.items.map((r) => r.owner?.name ?? null),
      ["Bob", "Alice", null],
    );
    const pages = await Promise.all(
      [1, 2].map((page) => risks.list(riskListSchema.parse({ sort: "owner", order: "asc", page_size: "2", page: String(page) }))),
    );
    assert.deepEqual(
      pages.map((p) => p.items.map((r) => r.owner?.name ?? null)),
      [["Alice", "Bob"], [null]],
    );
    assert.equal(riskListSchema.safeParse({ owner_id: "someone" }).success, false);
  });

  it("reassigns and clears an owner, audited as a field change", async () => {
    const r = await risks.create(
      riskCreateSchema.parse({ title: "handover", severity: "low", likelihood: 0.1, impact: 0.1, owner_id: alice }),
      SYSTEM,
    );
    await risks.update(r.id, riskUpdateSchema.parse({ owner_id: bob }), SYSTEM);
    const cleared = await risks.update(r.id, riskUpdateSchema.parse({ owner_id: null }), SYSTEM);
    assert.equal(cleared.owner, null);
    const entries = await t.db.auditEntry.findMany({
      where: { entity: "risk", entityId: String(r.id), action: "updated" },
      orderBy: { id: "asc" },
    });
    assert.deepEqual(
      entries.map((e) => JSON.parse(e.changes).owner_id),
      [
        [alice, bob],
        [bob, null],
      ],
    );
    // A PATCH without owner_id leaves it alone.
    await risks.update(r.id, riskUpdateSchema.parse({ owner_id: alice }), SYSTEM);
    await risks.update(r.id, riskUpdateSchema.parse({ title: "handover (renamed)" }), SYSTEM);
    assert.equal((await t.db.risk.findUniqueOrThrow({ where: { id: r.id } })).ownerId, alice);
  });

  it("refuses an unknown or disabled owner as a field error, and writes nothing", async () => {
    const before = await t.db.risk.count();
    for (const owner_id of [999_999, gone]) {
      await assert.rejects(
        risks.create(riskCreateSchema.parse({ title: "x", severity: "low", likelihood: 0.1, impact: 0.1, owner_id }), SYSTEM),
        (e: { status: number; details: { field: string }[] }) => e.status === 400 && e.details[0]?.field === "owner_id",
      );
    }
    assert.equal(await t.db.risk.count(), before);
  });

  it("owns mitigations too, filters them by owner, and deleting the user leaves both unowned", async () => {
    const temp = await user("Temp");
    const r = await risks.create(
      riskCreateSchema.parse({ title: "r", severity: "low", likelihood: 0.1, impact: 0.1, owner_id: temp }),
      SYSTEM,
    );
    const m = await mits.create(
      mitigationCreateSchema.parse({ risk_id: r.id, title: "m", due_date: "2026-07-01", owner_id: temp }),
      SYSTEM,
    );
    assert.equal(m.owner?.name, "Temp");
    await mits.create(mitigationCreateSchema.parse({ risk_id: r.id, title: "other", due_date: "2026-07-01", owner_id: alice }), SYSTEM);
    const list = await mits.list(mitigationListSchema.parse({ owner_id: String(temp) }));
    assert.deepEqual(
      list.items.map((x) => x.title),
      ["m"],
    );
    await assert.rejects(mits.update(m.id, { owner_id: 999_999 }, SYSTEM), (e: { status: number }) => e.status === 400);

    await t.db.user.delete({ where: { id: temp } });
    assert.equal((await t.db.risk.findUniqueOrThrow({ where: { id: r.id } })).ownerId, null);
    assert.equal((await t.db.mitigation.findUniqueOrThrow({ where: { id: m.id } })).ownerId, null);
  });
});
