// Dashboard subscriptions to some sections without a transport: the contract's parsing, and the
// shared views (lib/realtime/dashboard/sections.ts) graded by the whole dashboard — a client
// that starts anywhere in the log (a sectioned snapshot, or the full stream's state) and applies
// what its view sends must hold exactly the full dashboard's sections, version for version.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyDashboardMessage } from "@riskpulse/client";
import { envelope } from "../../lib/contract/frames";
import type { DashboardPatch, DashboardUpdate, DashboardView, Message } from "../../lib/contract/protocol";
import { canonicalSections, parseSections, SECTION_NAMES, type Section } from "../../lib/contract/sections";
import type { DashboardSnapshot } from "../../lib/domain/dashboard/snapshot";
import { DashboardSections } from "../../lib/realtime/dashboard/sections";
import { diffSnapshots } from "../../lib/realtime/dashboard/snapshot-diff";
import { logged, type Logged } from "../../lib/realtime/log/logged";

function snapshot(n: number): DashboardSnapshot {
  return {
    metrics: {
      total_risks: 10,
      critical_risks: 1,
      high_risks: 2,
      medium_risks: 3,
      low_risks: 4,
      average_risk_score: 5,
      trending_up_percent: 0,
      mitigation_rate: 50,
    },
    risk_trends: [{ date: "2026-12-01", average_score: 5 } as never],
    severity_distribution: { critical: 1, high: 2, medium: 3, low: 4 },
    mitigation_status: { completed: 1, in_progress: 2, not_started: 3, overdue: 0 },
    top_risks: [{ id: 1, title: `risk ${n}`, severity: "high", likelihood: 0.5, impact: 0.5, score: 2.5, days_open: 1 }],
    mitigation_progress: [],
    risk_matrix: { inherent: [], residual: [] },
    risks_by_treatment: {} as DashboardSnapshot["risks_by_treatment"],
    review_status: { overdue: 0, pending_acceptances: 0 },
  };
}

/** A log of patches, each changing the named sections of the previous snapshot. */
function history(changes: Section[][]) {
  const snaps: DashboardSnapshot[] = [snapshot(0)];
  const log: Logged[] = [];
  log.push(
    logged(envelope("dashboard_patch", "1-0.e", { version: 1, base_version: 0, patch: [{ op: "replace", path: "", value: snaps[0] }] })),
  );
  changes.forEach((touch, i) => {
    const prev = snaps.at(-1)!;
    const next = structuredClone(prev);
    for (const s of touch) {
      if (s === "metrics") next.metrics.total_risks += 1;
      if (s === "risk_trends") next.risk_trends = [...next.risk_trends, { date: `d${i}`, average_score: i } as never];
      if (s === "severity_distribution") next.severity_distribution.low += 1;
      if (s === "mitigation_status") next.mitigation_status.overdue += 1;
      if (s === "top_risks") next.top_risks[0]!.title = `changed ${i}`;
      if (s === "mitigation_progress")
        next.mitigation_progress = [
          { id: i, risk_id: 1, title: "m", status: "planned", completion_percent: i, due_date: "2027-01-01", days_remaining: 3 },
        ];
    }
    snaps.push(next);
    const data: DashboardPatch = { version: i + 2, base_version: i + 1, patch: diffSnapshots(prev, next) };
    log.push(logged(envelope("dashboard_patch", `${i + 2}-0.e`, data)));
  });
  return { snaps, log };
}

const only = (d: DashboardSnapshot, sections: readonly Section[]) => Object.fromEntries(sections.map((s) => [s, d[s]]));
const update = (d: DashboardSnapshot, version: number): Logged =>
  logged(envelope("dashboard_update", `${version}-0-1.e`, { ...d, version } satisfies DashboardUpdate));

describe("section names (the contract)", () => {
  it("canonicalises a set: snapshot order, no repeats; none or all of them is the whole dashboard", () => {
    assert.deepEqual(canonicalSections(["top_risks", "metrics", "top_risks"]), ["metrics", "top_risks"]);
    assert.equal(canonicalSections([]), null);
    assert.equal(canonicalSections([...SECTION_NAMES].reverse()), null);
    assert.deepEqual(parseSections("top_risks, metrics"), { ok: true, sections: ["metrics", "top_risks"] });
    assert.deepEqual(parseSections(""), { ok: true, sections: null });
    assert.deepEqual(parseSections(undefined), { ok: true, sections: null });
  });
  it("refuses an unknown name, naming the field", () => {
    const r = parseSections(["metrics", "salaries"]);
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.details[0]!.field === "sections.1" && /not a dashboard section/.test(r.error));
    assert.equal(parseSections("metrics,nope").ok, false);
    assert.equal(parseSections([1]).ok, false);
  });
});

describe("section views", () => {
  const changes: Section[][] = [
    ["metrics"],
    ["top_risks"],
    ["risk_trends", "metrics"],
    ["mitigation_progress"],
    ["top_risks"],
    ["metrics"],
  ];

  function setup() {
    const { snaps, log } = history(changes);
    const sections = new DashboardSections(100);
    for (const m of log) sections.record(m.envelope as Message<"dashboard">);
    return { snaps, log, sections };
  }

  it("send a client only its sections, and nothing for a change that touches none of them", () => {
    const { log, sections } = setup();
    const view = sections.view(["top_risks"])!;
    const sent = log.map((m) => view.apply(m));
    // Versions 2 (metrics), 4 (trend + metrics), 5 (progress) and 7 (metrics) touch no top_risks.
    assert.deepEqual(
      sent.map((m) => (m ? (m.envelope.data as DashboardPatch).version : null)),
      [1, null, 3, null, null, 6, null],
    );
    for (const m of sent.filter(Boolean)) {
      for (const op of (m!.envelope.data as DashboardPatch).patch)
        assert.ok(op.path === "" || op.path.startsWith("/top_risks"), `an operation outside top_risks: ${op.path}`);
    }
    const first = (sent[0]!.envelope.data as DashboardPatch).patch[0] as { value: Record<string, unknown> };
    assert.deepEqual(Object.keys(first.value), ["top_risks"], "the log's first patch (the whole document) carries only the section too");
    // Same id and timestamp as the logged message: a cursor from either stream is the same position.
    assert.equal(sent[2]!.envelope.id, log[2]!.envelope.id);
    assert.equal(sent[2]!.envelope.timestamp, log[2]!.envelope.timestamp);
  });

  it("compute a patch once per change and set, shared by every client with that set", () => {
    const { log, sections } = setup();
    const a = sections.view(["metrics", "top_risks"])!;
    const b = sections.view(["top_risks", "metrics", "metrics"])!;
    assert.equal(a, b, "the same set is the same view");
    const before = sections.filtered;
    const first = log.map((m) => a.apply(m));
    const again = log.map((m) => b.apply(m));
    assert.equal(sections.filtered - before, log.length, "each message filtered once for the set, however many clients ask");
    first.forEach((m, i) => assert.equal(m, again[i], "the very same message object"));
    assert.equal(sections.view(SECTION_NAMES), null, "all sections: the full stream, unfiltered");
  });

  it("resume exactly: from any position, a sectioned snapshot or the full stream's state, applying the view's patches gives the full dashboard's sections", () => {
    const { snaps, log, sections } = setup();
    const sets: Section[][] = [["metrics"], ["top_risks"], ["mitigation_progress", "risk_trends"], ["severity_distribution"]];
    for (const set of sets) {
      const view = sections.view(set)!;
      for (let start = 1; start <= snaps.length; start++) {
        // Two ways to hold version `start`: the view's own snapshot, or the full stream's state (an id from the full stream).
        const starts: DashboardView[] = [
          view.apply(update(snaps[start - 1]!, start))!.envelope.data as DashboardView,
          { ...snaps[start - 1]!, version: start },
        ];
        for (let held of starts) {
          for (const m of log.slice(start)) {
            const seen = view.apply(m);
            if (!seen) continue;
            const r = applyDashboardMessage(held, seen.envelope as Message<"dashboard">);
            assert.equal(r.kind, "updated", `set ${set.join(",")} from version ${start}: a gap where there is none`);
            if (r.kind === "updated") held = r.data;
          }
          assert.deepEqual(only(held as DashboardSnapshot, set), only(snaps.at(-1)!, set), `set ${set.join(",")} from version ${start}`);
        }
      }
    }
  });

  it("let a client tell a gap: a skipped patch that touched its sections is noticed", () => {
    const { snaps, log, sections } = setup();
    const view = sections.view(["top_risks"])!;
    const held = view.apply(update(snaps[1]!, 2))!.envelope.data as DashboardView; // version 2
    // Version 3 touched top_risks; skipping it, version 6 must not apply.
    const v6 = view.apply(log[5]!)!;
    assert.equal((v6.envelope.data as DashboardPatch).base_version, 3);
    assert.equal(applyDashboardMessage(held, v6.envelope as Message<"dashboard">).kind, "gap");
  });

  it("pass every other message through, and a snapshot with only its sections plus version", () => {
    const { snaps, sections } = setup();
    const view = sections.view(["mitigation_status", "metrics"])!;
    const pong = logged(envelope("pong", "1-0-9.e", {}));
    assert.equal(view.apply(pong), pong);
    const u = view.apply(update(snaps[0]!, 1))!;
    assert.deepEqual(Object.keys(u.envelope.data as object).sort(), ["metrics", "mitigation_status", "version"]);
  });

  it("fall back to version − 1 for a patch older than its notes: the client asks for a snapshot rather than guess", () => {
    const { log } = history(changes);
    const sections = new DashboardSections(2);
    for (const m of log) sections.record(m.envelope as Message<"dashboard">);
    const view = sections.view(["top_risks"])!;
    const old = view.apply(log[2]!)!; // version 3, no longer noted
    assert.equal((old.envelope.data as DashboardPatch).base_version, 2);
  });
});
