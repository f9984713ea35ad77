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
import { createRiskService, SEVERITIES } from "../../lib/domain/risks";
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
});
