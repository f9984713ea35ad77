// The incremental dashboard against its oracle: thousands of random creates, updates and
// deletes of risks and mitigations through the real services; after each one the snapshot kept
// from the events equals a full recompute. Also: events that arrive late, twice, or were already
// in a full read change nothing.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { SYSTEM } from "../../lib/domain/audit";
import { IncrementalDashboard, type DashboardChange } from "../../lib/domain/dashboard/incremental";
import { buildSnapshot, computeSnapshot, readDueSoonest, readFigures, readTopRisks } from "../../lib/domain/dashboard/snapshot";
import type { DomainEvent } from "../../lib/domain/events";
import { createMitigationService, MITIGATION_STATUSES } from "../../lib/domain/mitigations";
import { emptyRegister } from "../../lib/domain/dashboard/risk-matrix";
import { band, TREATMENTS, type TreatmentKey } from "../../lib/domain/register";
import { createRiskService, SEVERITIES } from "../../lib/domain/risks";
import { scoreUnits } from "../../lib/domain/trend";
import { fixedClock, testDb } from "../support/db";

const OPS = Number(process.env.PROPERTY_OPS ?? 1000);

describe("incremental dashboard", () => {
  const clock = fixedClock("2026-05-20T12:00:00Z");
  let t: Awaited<ReturnType<typeof testDb>>;
  const events: DashboardChange[] = [];
  let risks: ReturnType<typeof createRiskService>;
  let mits: ReturnType<typeof createMitigationService>;
  before(async () => {
    t = await testDb("incremental");
    const bus = { publish: (e: DomainEvent) => (e.type === "risk.changed" || e.type === "mitigation.changed") && events.push(e) };
    risks = createRiskService({ db: t.db, events: bus, clock, flavor: t.flavor });
    mits = createMitigationService({ db: t.db, events: bus, clock, flavor: t.flavor });
    // Some history before today, so the trend and trending_up_percent are not all zeros.
    for (let d = 14; d >= 1; d--)
      await t.db.riskTrendDay.create({
        data: { day: new Date(Date.UTC(2026, 4, 20 - d)).toISOString().slice(0, 10), averageScore: d > 7 ? 2 : 3, openRisks: 1 },
      });
  });
  after(() => t.close());

  const unit = fc.integer({ min: 0, max: 100 }).map((n) => n / 100);
  const op = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant("createRisk" as const),
        severity: fc.constantFrom(...SEVERITIES),
        l: unit,
        i: unit,
        closed: fc.boolean(),
      }),
    },
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant("updateRisk" as const),
        pick: fc.nat(),
        l: fc.option(unit),
        i: fc.option(unit),
        severity: fc.option(fc.constantFrom(...SEVERITIES)),
        status: fc.option(fc.constantFrom("open", "closed")),
        title: fc.option(fc.string({ minLength: 1, maxLength: 8 })),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("deleteRisk" as const), pick: fc.nat() }) },
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant("createMitigation" as const),
        pick: fc.nat(),
        days: fc.integer({ min: -20, max: 40 }),
        status: fc.constantFrom(...MITIGATION_STATUSES),
        pct: fc.integer({ min: 0, max: 99 }),
      }),
    },
    {
      weight: 5,
      arbitrary: fc.record({
        kind: fc.constant("updateMitigation" as const),
        pick: fc.nat(),
        days: fc.option(fc.integer({ min: -20, max: 40 })),
        status: fc.option(fc.constantFrom(...MITIGATION_STATUSES)),
        pct: fc.option(fc.integer({ min: 0, max: 100 })),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("deleteMitigation" as const), pick: fc.nat() }) },
  );
  const due = (days: number) => new Date(clock.now().getTime() + days * 86_400_000 + 3_600_000);

  async function run(o: any) {
    const riskIds = (await t.db.risk.findMany({ select: { id: true }, orderBy: { id: "asc" } })).map((r) => r.id);
    const mitIds = (await t.db.mitigation.findMany({ select: { id: true }, orderBy: { id: "asc" } })).map((m) => m.id);
    const pickRisk = () => riskIds[o.pick % riskIds.length];
    const pickMit = () => mitIds[o.pick % mitIds.length];
    switch (o.kind) {
      case "createRisk":
        return risks.create(
          {
            title: `r${riskIds.length}`,
            description: "",
            severity: o.severity,
            likelihood: o.l,
            impact: o.i,
            status: o.closed ? "closed" : "open",
          },
          SYSTEM,
        );
      case "updateRisk": {
        const id = pickRisk();
        const patch = Object.fromEntries(
          Object.entries({ likelihood: o.l, impact: o.i, severity: o.severity, status: o.status, title: o.title }).filter(
            ([, v]) => v !== null,
          ),
        );
        if (id === undefined || Object.keys(patch).length === 0) return;
        return risks.update(id, patch, SYSTEM);
      }
      case "deleteRisk": {
        const id = pickRisk();
        if (id !== undefined && riskIds.length > 3) return risks.remove(id, SYSTEM);
        return;
      }
      case "createMitigation": {
        const id = pickRisk();
        if (id === undefined) return;
        return mits.create(
          { risk_id: id, title: `m${o.pick % 97}`, status: o.status, completion_percent: o.pct, due_date: due(o.days) },
          SYSTEM,
        );
      }
      case "updateMitigation": {
        const id = pickMit();
        const patch = Object.fromEntries(
          Object.entries({ due_date: o.days === null ? null : due(o.days), status: o.status, completion_percent: o.pct }).filter(
            ([, v]) => v !== null,
          ),
        );
        if (id === undefined || Object.keys(patch).length === 0) return;
        return mits.update(id, patch, SYSTEM);
      }
      case "deleteMitigation": {
        const id = pickMit();
        if (id !== undefined) return mits.remove(id, SYSTEM);
      }
    }
  }

  it(`equals a full recompute after each of ${OPS} random changes`, async () => {
    const inc = new IncrementalDashboard({ topRisks: () => readTopRisks(t.db), dueSoonest: () => readDueSoonest(t.db) });
    const start = await readFigures(t.db, clock.now(), t.flavor);
    inc.load(start.figures, start.seq, clock.now());
    const ops = fc.sample(fc.array(op, { minLength: OPS, maxLength: OPS }), {
      numRuns: 1,
      seed: Number(process.env.PROPERTY_SEED ?? 20261201),
    })[0]!;
    let checked = 0;
    let previous: { held: ReturnType<typeof buildSnapshot>; copy: ReturnType<typeof buildSnapshot> } | null = null;
    for (const [n, o] of ops.entries()) {
      await run(o).catch((e: { status?: number }) => {
        if (e.status !== 404) throw e;
      });
      const fresh = events.splice(0);
      const incremental = buildSnapshot(await inc.apply(fresh), clock.now());
      const full = await computeSnapshot(t.db, clock, t.flavor);
      assert.deepEqual(incremental, full, `after change ${n}: ${JSON.stringify(o)}`);
      // What was handed out before stays as it was (the patch is the diff of the two).
      if (previous) assert.deepEqual(previous.held, previous.copy, `change ${n} altered the previous snapshot`);
      previous = { held: incremental, copy: structuredClone(incremental) };
      checked++;
    }
    assert.equal(checked, OPS);
  });

  it("skips events a full read already reflects, late ones, and duplicates", async () => {
    const inc = new IncrementalDashboard({ topRisks: () => readTopRisks(t.db), dueSoonest: () => readDueSoonest(t.db) });
    const r1 = await risks.create(
      { title: "late", description: "", severity: "critical", likelihood: 1, impact: 0.9, status: "open" },
      SYSTEM,
    );
    const e1 = events.splice(0);
    const start = await readFigures(t.db, clock.now(), t.flavor); // reflects e1
    inc.load(start.figures, start.seq, clock.now());
    await risks.update(r1.id, { likelihood: 0.2 }, SYSTEM);
    await risks.create({ title: "later", description: "", severity: "low", likelihood: 0.3, impact: 0.3, status: "open" }, SYSTEM);
    const [e2, e3] = events.splice(0);
    // Out of order, twice, plus the one the read already had.
    const after = buildSnapshot(await inc.apply([e3!, ...e1, e2!, e3!, e2!]), clock.now());
    assert.deepEqual(after, await computeSnapshot(t.db, clock, t.flavor));
  });

  it("the full read's figures equal figures counted row by row over a random register", async () => {
    // A random register beside what the random changes left: treatments (one unknown), residual
    // values, review dates, statuses, mitigations due on either side of now (written straight to
    // the rows: this compares the full read with the rows, not with events).
    const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });
    const rs = fc.sample(
      fc.record({
        severity: fc.constantFrom(...SEVERITIES),
        l: unit,
        i: unit,
        open: fc.boolean(),
        t: opt(fc.constantFrom(...TREATMENTS, "other")),
        rl: opt(unit),
        ri: opt(unit),
        review: opt(fc.integer({ min: -30, max: 30 })),
        mits: fc.array(fc.record({ status: fc.constantFrom(...MITIGATION_STATUSES), days: fc.integer({ min: -20, max: 40 }) }), {
          maxLength: 3,
        }),
      }),
      { numRuns: 150, seed: 20261204 },
    );
    const first = (await t.db.risk.aggregate({ _max: { id: true } }))._max.id ?? 0;
    await t.db.risk.createMany({
      data: rs.map((x, k) => ({
        title: `random ${k}`,
        severity: x.severity,
        likelihood: x.l,
        impact: x.i,
        score: Math.round(10 * x.l * x.i * 10_000) / 10_000,
        status: x.open ? "open" : "closed",
        treatment: x.t,
        residualLikelihood: x.rl,
        residualImpact: x.ri,
        nextReviewAt: x.review === null ? null : new Date(clock.now().getTime() + x.review * 86_400_000),
      })),
    });
    const ids = (await t.db.risk.findMany({ where: { id: { gt: first } }, select: { id: true }, orderBy: { id: "asc" } })).map((x) => x.id);
    await t.db.mitigation.createMany({
      data: rs.flatMap((x, k) => x.mits.map((m, j) => ({ riskId: ids[k]!, title: `m${k}.${j}`, status: m.status, dueDate: due(m.days) }))),
    });
    const now = clock.now();
    const { figures } = await readFigures(t.db, now, t.flavor);

    const rows = await t.db.risk.findMany({ orderBy: { id: "asc" } });
    const open = rows.filter((x) => x.status === "open");
    const register = emptyRegister();
    const cell = (l: number, i: number) => (band(l) - 1) * 5 + band(i) - 1;
    for (const x of open) {
      register.inherent[cell(x.likelihood, x.impact)]!++;
      register.residual[cell(x.residualLikelihood ?? x.likelihood, x.residualImpact ?? x.impact)]!++;
      register.treatment[(TREATMENTS as readonly string[]).includes(x.treatment ?? "") ? (x.treatment as TreatmentKey) : "undecided"]++;
      if (x.nextReviewAt && x.nextReviewAt < now) register.overdueReviews++;
    }
    const mits = await t.db.mitigation.findMany();
    const pending = mits.filter((m) => m.status !== "completed").sort((a, b) => a.dueDate.getTime() - b.dueDate.getTime() || a.id - b.id);
    const top = [...open].sort((a, b) => b.score - a.score || a.id - b.id).slice(0, 10);
    assert.ok(open.length > 50 && pending.length > 10, "a register big enough to mean something");
    assert.deepEqual(
      { ...figures, trend: null },
      {
        severity: Object.fromEntries(SEVERITIES.map((s) => [s, open.filter((x) => x.severity === s).length])),
        scoreUnits: open.reduce((sum, x) => sum + scoreUnits(x.score), 0),
        mitigations: Object.fromEntries(MITIGATION_STATUSES.map((s) => [s, mits.filter((m) => m.status === s).length])),
        overdue: pending.filter((m) => m.dueDate < now).length,
        top: top.map((x) => ({
          id: x.id,
          title: x.title,
          severity: x.severity,
          likelihood: x.likelihood,
          impact: x.impact,
          score: x.score,
          openedAt: x.openedAt.getTime(),
        })),
        progress: pending.slice(0, 10).map((m) => ({
          id: m.id,
          riskId: m.riskId,
          title: m.title,
          status: m.status,
          completionPercent: m.completionPercent,
          dueDate: m.dueDate.getTime(),
        })),
        trend: null,
        register,
      },
    );
    // And the incremental path, loaded from this read, carries on to the same snapshot as a fresh read.
    const inc = new IncrementalDashboard({ topRisks: () => readTopRisks(t.db), dueSoonest: () => readDueSoonest(t.db) });
    const start = await readFigures(t.db, now, t.flavor);
    inc.load(start.figures, start.seq, now);
    events.length = 0;
    // (not "accept": that opens an acceptance request, which the feed answers with a full read)
    await risks.update(open[0]!.id, { likelihood: 0.95, impact: 0.95, treatment: "transfer" }, SYSTEM);
    assert.deepEqual(buildSnapshot(await inc.apply(events.splice(0)), now), await computeSnapshot(t.db, clock, t.flavor));
  });
});
