// Turns dashboard changes into the next snapshot. Full recompute: every figure from indexed
// aggregates (snapshot.ts) — the periodic safety net and the oracle the incremental path is
// tested against.
import type { Db } from "../../db/client";
import type { DashboardComputer } from "../../realtime/dashboard/feed";
import type { Clock } from "../time";
import { computeSnapshot } from "./snapshot";

export function createDashboardComputer(deps: { db: Db; clock: Clock }): DashboardComputer {
  return {
    compute: () => computeSnapshot(deps.db, deps.clock),
  };
}
