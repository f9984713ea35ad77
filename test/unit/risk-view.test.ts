// The live channel per risk without a transport: who sees a per-risk message (a follower of that
// risk only; a connection following none never does), that the views are shared per (sections,
// risk), and the trend range's merge of a long series with the live points.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { envelope } from "../../lib/contract/frames";
import { mergeTrend } from "../../lib/contract/trend";
import { DashboardSections } from "../../lib/realtime/dashboard/sections";
import { logged } from "../../lib/realtime/log/logged";
import { seenBy } from "../../lib/realtime/transport-core";

const change = (risk: number) => logged(envelope("risk_change", "5-0.e", { risk_id: risk, change: "updated", risk: { id: risk } }));
const deleted = (risk: number) => logged(envelope("risk_deleted", "6-0.e", { risk_id: risk }));
const patch = logged(
  envelope("dashboard_patch", "7-0.e", { version: 2, base_version: 1, patch: [{ op: "replace", path: "/top_risks/0/title", value: "t" }] }),
);
const test = logged(envelope("test", "8-0.e", { n: 1 }));

describe("who sees a risk's messages", () => {
  const sections = new DashboardSections(100);

  it("a connection following no risk never does, whatever its sections; everything else is as before", () => {
    assert.equal(seenBy(null, change(7)), null);
    assert.equal(seenBy(null, deleted(7)), null);
    assert.equal(seenBy(null, patch), patch);
    assert.equal(seenBy(sections.view(["metrics"]), change(7)), null);
    assert.equal(seenBy(sections.view(["top_risks"]), test), test);
  });

  it("a follower of risk 7 gets risk 7's messages and never risk 8's; its sections filter the rest", () => {
    const whole = sections.viewWithRisk(null, 7)!;
    const m = change(7);
    assert.equal(seenBy(whole, m), m);
    assert.equal(seenBy(whole, change(8)), null);
    assert.equal(seenBy(whole, deleted(8)), null);
    assert.equal(seenBy(whole, patch), patch, "the whole dashboard's patches as before");
    const metrics = sections.viewWithRisk(["metrics"], 7)!;
    assert.equal(seenBy(metrics, m), m);
    assert.equal(seenBy(metrics, patch), null, "a top_risks change is not in metrics");
    assert.equal(sections.viewWithRisk(["metrics"], 7), metrics, "one view per (sections, risk), shared");
    assert.equal(sections.byKey(metrics.key), metrics, "found by its key (a Socket.IO room's)");
    assert.equal(sections.viewWithRisk(["metrics"], null), sections.view(["metrics"]), "no risk: the sections' own view");
  });
});

describe("the trend range", () => {
  it("lays the live points over the long series: the same day replaced, a new day appended, `days` kept", () => {
    const long = [
      { date: "2026-01-01", score: 1 },
      { date: "2026-01-02", score: 2 },
      { date: "2026-01-03", score: 3 },
    ];
    const live = [
      { date: "2026-01-03", score: 3.5 },
      { date: "2026-01-04", score: 4 },
    ];
    assert.deepEqual(mergeTrend(long, live, 3), [
      { date: "2026-01-02", score: 2 },
      { date: "2026-01-03", score: 3.5 },
      { date: "2026-01-04", score: 4 },
    ]);
    assert.deepEqual(mergeTrend([], live, 90), live);
  });
});
