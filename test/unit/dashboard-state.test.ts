import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyDashboardMessage } from "@riskpulse/client";
import type { DashboardUpdate, Message } from "../../lib/contract/protocol";

const snap = (version: number, total: number) => ({ version, metrics: { total_risks: total } }) as unknown as DashboardUpdate;
const env = (type: "dashboard_update" | "dashboard_patch", data: unknown) =>
  ({ type, id: "1-0", timestamp: new Date(0).toISOString(), data }) as Message<"dashboard">;
const patch = (base: number, version: number, total: number) =>
  env("dashboard_patch", { base_version: base, version, patch: [{ op: "replace", path: "/metrics/total_risks", value: total }] });

describe("applying dashboard messages on a client", () => {
  it("applies a patch built on the version it holds, without touching the old object", () => {
    const held = snap(3, 10);
    const r = applyDashboardMessage(held, patch(3, 4, 11));
    assert.deepEqual(r, { kind: "updated", data: snap(4, 11) });
    assert.equal(held.metrics.total_risks, 10);
  });
  it("ignores a duplicate or older patch and reports a gap when one is missing", () => {
    assert.deepEqual(applyDashboardMessage(snap(4, 11), patch(3, 4, 11)), { kind: "ignored" });
    assert.deepEqual(applyDashboardMessage(snap(4, 11), patch(5, 6, 13)), { kind: "gap" });
    assert.deepEqual(applyDashboardMessage(null, patch(1, 2, 1)), { kind: "gap" });
  });
  it("always accepts a full update, even with a lower version (the server restarted)", () => {
    assert.deepEqual(applyDashboardMessage(snap(40, 11), env("dashboard_update", snap(1, 12))), { kind: "updated", data: snap(1, 12) });
  });
});
