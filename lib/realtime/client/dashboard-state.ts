// Applies dashboard messages to the snapshot a client holds. Pure, so the browser hook, the
// tests and any other client share one definition of "what a patch means".
import jsonpatch from "fast-json-patch"; // CommonJS: named exports are not detectable
import type { DashboardPatch, DashboardUpdate } from "../dashboard-feed";
import type { Envelope } from "../envelope";

export type Applied =
  | { kind: "updated"; data: DashboardUpdate }
  | { kind: "ignored" } // a duplicate or older than what we hold
  | { kind: "gap" }; // we missed a version: ask for a full snapshot

export function applyDashboardMessage(current: DashboardUpdate | null, env: Envelope): Applied {
  // A full update is authoritative, even with a lower version: a restarted server (or another
  // instance) numbers its versions afresh.
  if (env.type === "dashboard_update") return { kind: "updated", data: env.data as DashboardUpdate };
  if (env.type !== "dashboard_patch") return { kind: "ignored" };
  const p = env.data as DashboardPatch;
  if (!current) return { kind: "gap" };
  if (p.version <= current.version) return { kind: "ignored" };
  if (p.base_version !== current.version) return { kind: "gap" };
  // fast-json-patch clones (mutate=false) so React sees a new object and old renders stay intact.
  const { newDocument } = jsonpatch.applyPatch(current, p.patch, false, false);
  return { kind: "updated", data: { ...newDocument, version: p.version } };
}
