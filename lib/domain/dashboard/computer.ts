// Turns dashboard changes into the next snapshot: incrementally from the change events when it
// can (incremental.ts), or by a full read — at start, on the periodic tick (the safety net, and
// the oracle the incremental path is tested against), on refresh, and on a new UTC day.
import type { Db } from "../../db/client";
import type { DbFlavor } from "../../db/url";
import type { Clock } from "../time";
import { IncrementalDashboard, type DashboardChange } from "./incremental";
import { buildSnapshot, readDueSoonest, readFigures, readTopRisks, type DashboardSnapshot } from "./snapshot";

/** What the real-time dashboard feed computes with (declared here, beside its one implementation). */
export interface DashboardComputer {
  /** The snapshot after `changes` (null: re-read everything). */
  compute(changes: DashboardChange[] | null): Promise<DashboardSnapshot>;
}

/** The dashboard computer over the database: incremental where it can be, a full read where it must. */
export function createDashboardComputer(deps: { db: Db; clock: Clock; flavor: DbFlavor }): DashboardComputer {
  const { db, clock, flavor } = deps;
  const inc = new IncrementalDashboard({ topRisks: () => readTopRisks(db), dueSoonest: () => readDueSoonest(db) });
  return {
    async compute(changes) {
      const now = clock.now();
      if (changes === null || !inc.fresh(now)) {
        const { figures, seq } = await readFigures(db, now, flavor);
        inc.load(figures, seq, now);
        // Changes the read already reflects are skipped by their sequence number.
        return buildSnapshot(changes ? await inc.apply(changes) : figures, now);
      }
      return buildSnapshot(await inc.apply(changes), now);
    },
  };
}
