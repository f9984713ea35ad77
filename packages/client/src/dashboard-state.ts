// Applies dashboard messages to the snapshot a client holds. Pure, so the browser hook, the
// tests and any other client share one definition of "what a patch means".
import jsonpatch from "fast-json-patch"; // CommonJS: named exports are not detectable
import type { DashboardUpdate, DashboardView, Message } from "../../../lib/contract/protocol";

/** `D`: what the client holds — the whole dashboard, or the sections it subscribed to. */
export type Applied<D extends DashboardView = DashboardUpdate> =
  | { kind: "updated"; data: D }
  | { kind: "ignored" } // a duplicate, older than what we hold, or not a dashboard message
  | { kind: "gap" }; // we missed a version: ask for a full snapshot

/**
 * A client subscribed to some sections gets only the patches touching them, each with the
 * version its sections last changed at as `base_version`: a patch fits when
 * `base_version ≤ held < version` (for the whole dashboard: held = base_version = version − 1).
 */
export function applyDashboardMessage<D extends DashboardView = DashboardUpdate>(current: D | null, env: Message<"dashboard">): Applied<D> {
  switch (env.type) {
    // A full update is authoritative, even with a lower version: it is what the server holds now.
    case "dashboard_update":
      return { kind: "updated", data: env.data as D };
    case "dashboard_patch": {
      const p = env.data;
      if (!current) return { kind: "gap" };
      if (p.version <= current.version) return { kind: "ignored" };
      if (p.base_version > current.version) return { kind: "gap" };
      // fast-json-patch clones (mutate=false) so React sees a new object and old renders stay intact.
      const { newDocument } = jsonpatch.applyPatch(current, p.patch, false, false);
      return { kind: "updated", data: { ...newDocument, version: p.version } };
    }
    default:
      return { kind: "ignored" };
  }
}
