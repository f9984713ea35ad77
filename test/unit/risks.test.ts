import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { SYSTEM } from "../../lib/domain/audit";
import type { DomainEvent } from "../../lib/domain/events";
import { createRiskService, riskCreateSchema, riskScore, riskUpdateSchema } from "../../lib/domain/risks";
import { fixedClock, testDb } from "../support/db";

describe("risk service", () => {
  const clock = fixedClock("2026-03-01T10:00:00Z");
  const events: DomainEvent[] = [];
  let t: Awaited<ReturnType<typeof testDb>>;
  let risks: ReturnType<typeof createRiskService>;
  before(async () => {
    t = await testDb();
    risks = createRiskService({ db: t.db, events: { publish: (e) => events.push(e) }, clock, flavor: t.flavor });
  });
  after(() => t.close());

  it("scores 10 × likelihood × impact and records the first history point", async () => {
    const r = await risks.create(
      riskCreateSchema.parse({ title: "Vendor outage", severity: "high", likelihood: 0.6, impact: 0.7 }),
      SYSTEM,
    );
    assert.equal(r.score, 4.2);
    assert.equal(r.status, "open");
    const full = await risks.get(r.id);
    assert.deepEqual(
      full.score_history.map((h) => h.score),
      [4.2],
    );
    assert.deepEqual(events.at(-1), {
      type: "risk.changed",
      seq: 1, // the first change of the dashboard's sequence
      riskId: r.id,
      change: "created",
      before: null,
      after: {
        id: r.id,
        title: "Vendor outage",
        severity: "high",
        likelihood: 0.6,
        impact: 0.7,
        score: 4.2,
        status: "open",
        openedAt: Date.parse(r.opened_at),
        treatment: null,
        residualLikelihood: 0.6,
        residualImpact: 0.7,
        nextReviewAt: Date.parse(r.next_review_at!), // now + the high cadence (60 days)
      },
    });
    assert.equal(Date.parse(r.next_review_at!) - Date.parse(r.opened_at), 60 * 86_400_000);
  });

  it("rescores on update and appends history only when the score changes", async () => {
    const r = await risks.create(riskCreateSchema.parse({ title: "Key leak", severity: "critical", likelihood: 0.5, impact: 0.5 }), SYSTEM);
    clock.set("2026-03-02T10:00:00Z");
    await risks.update(r.id, { likelihood: 0.9 }, SYSTEM);
    await risks.update(r.id, { title: "Key leak (prod)" }, SYSTEM);
    const full = await risks.get(r.id);
    assert.equal(full.score, 4.5);
    assert.equal(full.title, "Key leak (prod)");
    assert.deepEqual(
      full.score_history.map((h) => h.score),
      [2.5, 4.5],
    );
  });

  it("sets closed_at on closing and clears it on reopening", async () => {
    const r = await risks.create(riskCreateSchema.parse({ title: "Stale", severity: "low", likelihood: 0.1, impact: 0.1 }), SYSTEM);
    const closed = await risks.update(r.id, { status: "closed" }, SYSTEM);
    assert.equal(closed.closed_at, clock.now().toISOString());
    const reopened = await risks.update(r.id, { status: "open" }, SYSTEM);
    assert.equal(reopened.closed_at, null);
  });

  it("keeps today's trend row equal to the average open score", async () => {
    const day = await t.db.riskTrendDay.findUnique({ where: { day: "2026-03-02" } });
    const agg = await t.db.risk.aggregate({ where: { status: "open" }, _avg: { score: true }, _count: { _all: true } });
    assert.equal(day?.openRisks, agg._count._all);
    assert.equal(day?.averageScore.toFixed(3), agg._avg.score!.toFixed(3));
  });

  it("filters, searches case-insensitively and paginates", async () => {
    const page = await risks.list({ severity: "critical", sort: "score", order: "desc", page: 1, page_size: 10 });
    assert.deepEqual(
      page.items.map((r) => r.title),
      ["Key leak (prod)"],
    );
    const found = await risks.list({ q: "KEY", sort: "title", order: "asc", page: 1, page_size: 10 });
    assert.equal(found.total, 1);
    const p2 = await risks.list({ sort: "title", order: "asc", page: 2, page_size: 2 });
    assert.equal(p2.total, 3);
    assert.equal(p2.pages, 2);
    assert.deepEqual(
      p2.items.map((r) => r.title),
      ["Vendor outage"],
    );
  });

  it("answers not found for unknown ids, on update and delete alike", async () => {
    await assert.rejects(risks.update(9999, { title: "x" }, SYSTEM), { status: 404, message: "risk 9999 not found" });
    await assert.rejects(risks.remove(9999, SYSTEM), { status: 404 });
  });

  it("deletes a risk with its history and mitigations", async () => {
    const r = await risks.create(riskCreateSchema.parse({ title: "Temp", severity: "low", likelihood: 0.2, impact: 0.2 }), SYSTEM);
    await t.db.mitigation.create({ data: { riskId: r.id, title: "m", dueDate: clock.now() } });
    await risks.remove(r.id, SYSTEM);
    assert.equal(await t.db.mitigation.count({ where: { riskId: r.id } }), 0);
    assert.equal(await t.db.riskScoreHistory.count({ where: { riskId: r.id } }), 0);
    assert.deepEqual(
      [events.at(-1)?.type, (events.at(-1) as { change?: string }).change, (events.at(-1) as { after?: unknown }).after],
      ["risk.changed", "deleted", null],
    );
  });

  it("keeps score = 10 × likelihood × impact under concurrent PATCHes (no lost update), and the trend with it", async () => {
    const r = await risks.create(riskCreateSchema.parse({ title: "Contended", severity: "high", likelihood: 0.5, impact: 0.5 }), SYSTEM);
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 2
          ? risks.update(r.id, { likelihood: Math.round((0.1 + i / 50) * 100) / 100 }, SYSTEM)
          : risks.update(r.id, { impact: Math.round((0.1 + i / 50) * 100) / 100 }, SYSTEM),
      ),
    );
    const row = await t.db.risk.findUniqueOrThrow({ where: { id: r.id } });
    assert.equal(row.score, riskScore(row.likelihood, row.impact), `score ${row.score} for L=${row.likelihood} I=${row.impact}`);
    const open = await t.db.risk.aggregate({ where: { status: "open" }, _avg: { score: true } });
    const trend = await t.db.riskTrendDay.findUniqueOrThrow({ where: { day: clock.now().toISOString().slice(0, 10) } });
    assert.equal(
      Math.round(trend.averageScore * 1e4),
      Math.round((open._avg.score ?? 0) * 1e4),
      "today's trend point matches the open risks",
    );
  });

  it("rejects bad input naming the field", () => {
    const res = riskCreateSchema.safeParse({ title: "", severity: "huge", likelihood: 1.5, impact: 0.5, extra: 1 });
    assert.equal(res.success, false);
    const fields = res.error!.issues.map((i) => i.path.join(".") || i.code);
    assert.ok(fields.includes("title") && fields.includes("severity") && fields.includes("likelihood"), fields.join());
    assert.equal(riskUpdateSchema.safeParse({}).success, false);
    // A PATCH names only what changes: no default may sneak in and reset a field.
    assert.deepEqual(riskUpdateSchema.parse({ title: "x" }), { title: "x" });
  });
});
