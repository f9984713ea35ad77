// The register fields of a risk (treatment, residual score, reviews, category and tags, edit
// conflicts) and the dashboard sections built from them, graded by the database: what a second
// read finds, the audit rows, and the snapshot a full read computes against the incremental one.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { parseReviewCadence } from "../../lib/config";
import { SYSTEM } from "../../lib/domain/audit";
import { createDashboardComputer } from "../../lib/domain/dashboard/computer";
import { computeSnapshot } from "../../lib/domain/dashboard/snapshot";
import type { DomainEvent } from "../../lib/domain/events";
import { band } from "../../lib/domain/register";
import {
  createRiskService,
  EditConflictError,
  expectedVersion,
  riskCreateSchema,
  riskListSchema,
  riskUpdateSchema,
} from "../../lib/domain/risks";
import { DAY_MS } from "../../lib/domain/time";
import { fixedClock, testDb } from "../support/db";

describe("risk register", () => {
  const clock = fixedClock("2026-03-01T10:00:00Z");
  const events: DomainEvent[] = [];
  let t: Awaited<ReturnType<typeof testDb>>;
  let risks: ReturnType<typeof createRiskService>;
  before(async () => {
    t = await testDb();
    risks = createRiskService({
      db: t.db,
      events: { publish: (e) => events.push(e) },
      clock,
      flavor: t.flavor,
      reviewCadence: parseReviewCadence("critical:7"),
    });
  });
  after(() => t.close());
  const create = (body: Record<string, unknown>) =>
    risks.create(riskCreateSchema.parse({ title: "R", severity: "medium", likelihood: 0.5, impact: 0.5, ...body }), SYSTEM);
  const list = (q: Record<string, string>) => risks.list(riskListSchema.parse(q));

  it("bands 0–1 values into five and parses the review cadence", () => {
    assert.deepEqual([0, 0.19, 0.2, 0.39, 0.4, 0.6, 0.79, 0.8, 1].map(band), [1, 1, 2, 2, 3, 4, 4, 5, 5]);
    assert.deepEqual(parseReviewCadence("critical:7, low:365"), { critical: 7, high: 60, medium: 90, low: 365 });
    assert.throws(() => parseReviewCadence("urgent:3"), /severity/);
    assert.throws(() => parseReviewCadence("low:0"), /days/);
  });

  it("stores treatment, residual values with their own score, category and tags, and filters by them", async () => {
    const r = await create({
      title: "Vendor lock-in",
      severity: "critical",
      likelihood: 0.9,
      impact: 0.9,
      treatment: "mitigate",
      residual_likelihood: 0.3,
      residual_impact: 0.5,
      category: "Third party",
      tags: ["Vendor", "cloud", "vendor"],
    });
    const again = await risks.get(r.id);
    assert.equal(again.treatment, "mitigate");
    assert.equal(again.residual_score, 1.5);
    assert.equal(again.score, 8.1);
    assert.equal(again.category, "Third party");
    assert.deepEqual(again.tags, ["cloud", "vendor"]);
    assert.equal(Date.parse(again.next_review_at!) - clock.now().getTime(), 7 * DAY_MS, "critical: the configured 7 days");
    await create({ title: "Other", tags: ["office"], category: "Facilities", treatment: "accept" });

    assert.deepEqual(
      (await list({ tag: "vendor" })).items.map((x) => x.id),
      [r.id],
    );
    assert.deepEqual(
      (await list({ category: "Third party" })).items.map((x) => x.id),
      [r.id],
    );
    assert.deepEqual(
      (await list({ treatment: "mitigate" })).items.map((x) => x.id),
      [r.id],
    );
    assert.deepEqual(
      (await list({ likelihood_band: "5", impact_band: "5" })).items.map((x) => x.id),
      [r.id],
    );
    assert.deepEqual(
      (await list({ likelihood_band: "2", impact_band: "3", matrix: "residual" })).items.map((x) => x.id),
      [r.id],
    );

    // Tags are replaced as a set; a residual value set back to null falls back to the inherent one.
    await risks.update(r.id, riskUpdateSchema.parse({ tags: ["cloud"], residual_likelihood: null }), SYSTEM);
    const changed = await risks.get(r.id);
    assert.deepEqual(changed.tags, ["cloud"]);
    assert.equal(changed.residual_score, 4.5);
    assert.equal((await list({ tag: "vendor" })).total, 0);
    const rows = await t.db.auditEntry.findMany({ where: { entity: "risk", entityId: String(r.id) }, orderBy: { id: "asc" } });
    assert.deepEqual(
      rows.map((a) => a.action),
      ["created", "updated"],
    );
    assert.match(rows[1]!.changes, /"tags":\["cloud, vendor","cloud"\]/);
  });

  it("records a review: last reviewed now, next after the cadence, audited with its note", async () => {
    const r = await create({ severity: "low", next_review_at: "2026-02-01T00:00:00Z" });
    assert.equal(
      (await list({ review: "overdue" })).items.some((x) => x.id === r.id),
      true,
    );
    clock.set("2026-03-02T10:00:00Z");
    const reviewed = await risks.review(r.id, { note: "still relevant" }, SYSTEM);
    assert.equal(reviewed.last_reviewed_at, "2026-03-02T10:00:00.000Z");
    assert.equal(reviewed.next_review_at, new Date(Date.parse("2026-03-02T10:00:00Z") + 180 * DAY_MS).toISOString());
    assert.equal(
      (await list({ review: "overdue" })).items.some((x) => x.id === r.id),
      false,
    );
    const audit = await t.db.auditEntry.findFirst({ where: { entity: "risk", entityId: String(r.id), action: "reviewed" } });
    assert.match(audit!.changes, /still relevant/);
    const chosen = await risks.review(r.id, { next_review_at: new Date("2026-04-01T00:00:00Z") }, SYSTEM);
    assert.equal(chosen.next_review_at, "2026-04-01T00:00:00.000Z");
  });

  it("refuses an edit of a risk changed since the version it started from, and keeps the other edit", async () => {
    const r = await create({ title: "Shared" });
    assert.equal(r.version, 1);
    const alice = await risks.update(r.id, riskUpdateSchema.parse({ title: "Alice's title", version: 1 }), SYSTEM);
    assert.equal(alice.version, 2);
    await assert.rejects(
      risks.update(r.id, riskUpdateSchema.parse({ title: "Bob's title" }), SYSTEM, expectedVersion(undefined, 'W/"1"')),
      (e: unknown) => {
        assert.ok(e instanceof EditConflictError);
        assert.equal(e.status, 409);
        assert.equal(e.code, "edit_conflict");
        const d = e.details as { your_version: number; current: { title: string; version: number } };
        assert.equal(d.your_version, 1);
        assert.equal(d.current.title, "Alice's title");
        assert.equal(d.current.version, 2);
        return true;
      },
    );
    assert.equal((await risks.get(r.id)).title, "Alice's title", "the refused edit wrote nothing");
    const bob = await risks.update(r.id, riskUpdateSchema.parse({ title: "Bob's title", version: 2 }), SYSTEM);
    assert.equal(bob.version, 3);
    assert.equal(expectedVersion(undefined, null), undefined);
    assert.equal(expectedVersion(undefined, '"7"'), 7);
    assert.equal(expectedVersion(4, '"7"'), 4);
  });

  it("the dashboard's heat map, treatments and overdue reviews: counts sum to total_risks, the incremental figures equal a full read", async () => {
    const computer = createDashboardComputer({ db: t.db, clock, flavor: t.flavor });
    await computer.compute(null);
    const seen = events.length;
    const a = await create({
      likelihood: 0.1,
      impact: 0.95,
      treatment: "transfer",
      residual_likelihood: 0.1,
      residual_impact: 0.1,
      next_review_at: "2026-01-01T00:00:00Z",
    });
    await create({ likelihood: 0.7, impact: 0.7, treatment: "avoid" });
    const c = await create({ likelihood: 0.45, impact: 0.45 });
    await risks.update(c.id, riskUpdateSchema.parse({ status: "closed" }), SYSTEM);
    await risks.update(a.id, riskUpdateSchema.parse({ likelihood: 0.85, treatment: "accept" }), SYSTEM);
    const live = await computer.compute(events.slice(seen).filter((e) => e.type === "risk.changed"));
    const full = await computeSnapshot(t.db, clock, t.flavor);
    // Setting treatment accept opened an acceptance request: its count moves only with a full
    // read (the feed re-reads on acceptance events), so the incremental figures are compared without it.
    assert.ok(events.slice(seen).some((e) => e.type === "acceptance.changed"));
    const pendingOf = (d: typeof full) => ({ ...d, review_status: { ...d.review_status, pending_acceptances: 0 } });
    assert.deepEqual(pendingOf(live), pendingOf(full));
    assert.equal(full.review_status.pending_acceptances, await t.db.riskAcceptance.count({ where: { status: "pending" } }));
    const total = full.metrics.total_risks;
    for (const view of ["inherent", "residual"] as const) {
      assert.equal(full.risk_matrix[view].length, 25);
      assert.equal(
        full.risk_matrix[view].reduce((s, c) => s + c.count, 0),
        total,
        `${view} counts sum to total_risks`,
      );
    }
    assert.equal(
      Object.values(full.risks_by_treatment).reduce((s, n) => s + n, 0),
      total,
    );
    const cell = (view: "inherent" | "residual", l: number, i: number) =>
      full.risk_matrix[view].find((x) => x.likelihood === l && x.impact === i)!.count;
    const open = await t.db.risk.findMany({ where: { status: "open" } });
    assert.equal(cell("inherent", 5, 5), open.filter((r) => band(r.likelihood) === 5 && band(r.impact) === 5).length);
    assert.equal(
      cell("residual", 1, 1),
      open.filter((r) => band(r.residualLikelihood ?? r.likelihood) === 1 && band(r.residualImpact ?? r.impact) === 1).length,
    );
    assert.equal(full.risks_by_treatment.accept, open.filter((r) => r.treatment === "accept").length);
    assert.equal(full.review_status.overdue, open.filter((r) => r.nextReviewAt && r.nextReviewAt < clock.now()).length);
    assert.ok(full.review_status.overdue >= 1);
  });
});
