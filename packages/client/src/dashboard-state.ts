// Applies dashboard messages to the snapshot a client holds. Pure, so the browser hook, the
// tests and any other client share one definition of "what a patch means".
import jsonpatch from "fast-json-patch"; // CommonJS: named exports are not detectable
import type { DashboardUpdate, Message } from "../../../lib/contract/protocol";

export type Applied =
  | { kind: "updated"; data: DashboardUpdate }
  | { kind: "ignored" } // a duplicate, older than what we hold, or not a dashboard message
  | { kind: "gap" }; // we missed a version: ask for a full snapshot

export function applyDashboardMessage(current: DashboardUpdate | null, env: Message<"dashboard">): Applied {
  switch (env.type) {
    // A full update is authoritative, even with a lower version: it is what the server holds now.
    case "dashboard_update":
      return { kind: "updated", data: env.data };
    case "dashboard_patch": {
      const p = env.data;
      if (!current) return { kind: "gap" };
      if (p.version <= current.version) return { kind: "ignored" };
      if (p.base_version !== current.version) return { kind: "gap" };
      // fast-json-patch clones (mutate=false) so React sees a new object and old renders stay intact.
      const { newDocument } = jsonpatch.applyPatch(current, p.patch, false, false);
      return { kind: "updated", data: { ...newDocument, version: p.version } };
    }
    default:
      return { kind: "ignored" };
  }
}
