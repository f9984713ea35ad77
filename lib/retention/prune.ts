// Retention: once a day, records older than RETENTION_DAYS are pruned — command executions,
// violations, acknowledged alerts, quota windows that ended, audit entries, ended sessions, and
// score history (each risk keeps its newest point), webhook deliveries that ended (delivered or
// given up; their attempt logs go with them). Deletes go in batches of BATCH rows, one
// short transaction each with a pause between, so the write lock is never held for long and
// requests keep flowing. Only the leader prunes (cluster mode). Today's figures (stats, alert
// rules, dashboards) never look back that far, so they are unaffected.
import "server-only";
import type { Db } from "../db/client";
import type { DbFlavor } from "../db/url";
import { DAY_MS, type Clock } from "../domain/time";
import type { Logger } from "../log";

const BATCH = 1000;
const pause = () => new Promise((r) => setTimeout(r, 5));

export type PruneCounts = Record<
  "executions" | "violations" | "alerts" | "quotaWindows" | "audit" | "sessions" | "scoreHistory" | "deliveries" | "notifications",
  number
>;

export function createRetention(deps: { db: Db; clock: Clock; log: Logger; days: number; flavor: DbFlavor }) {
  const { db, clock, log } = deps;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<PruneCounts> | null = null;

  /** Deletes, BATCH ids at a time, the rows `find` returns; returns how many. */
  async function inBatches(
    find: () => Promise<{ id: number | string }[]>,
    remove: (ids: never[]) => Promise<{ count: number }>,
  ): Promise<number> {
    let total = 0;
    for (;;) {
      const rows = await find();
      if (rows.length === 0) return total;
      total += (await remove(rows.map((r) => r.id) as never[])).count;
      if (rows.length < BATCH) return total;
      await pause();
    }
  }

  async function runOnce(): Promise<PruneCounts> {
    const now = clock.now();
    const cutoff = new Date(now.getTime() - deps.days * DAY_MS);
    const ids = { select: { id: true }, take: BATCH } as const;
    const counts: PruneCounts = {
      executions: await inBatches(
        () => db.commandExecution.findMany({ where: { executedAt: { lt: cutoff } }, ...ids }),
        (id: number[]) => db.commandExecution.deleteMany({ where: { id: { in: id } } }),
      ),
      violations: await inBatches(
        () => db.violation.findMany({ where: { createdAt: { lt: cutoff } }, ...ids }),
        (id: number[]) => db.violation.deleteMany({ where: { id: { in: id } } }),
      ),
      alerts: await inBatches(
        () => db.alert.findMany({ where: { createdAt: { lt: cutoff }, acknowledgedAt: { not: null } }, ...ids }),
        (id: number[]) => db.alert.deleteMany({ where: { id: { in: id } } }),
      ),
      // A window ended when its start is older than the cutoff by more than the longest period (a month).
      quotaWindows: (await db.quotaUsage.deleteMany({ where: { windowStart: { lt: new Date(cutoff.getTime() - 31 * DAY_MS) } } })).count,
      audit: await inBatches(
        () => db.auditEntry.findMany({ where: { at: { lt: cutoff } }, ...ids }),
        (id: number[]) => db.auditEntry.deleteMany({ where: { id: { in: id } } }),
      ),
      sessions: (await db.session.deleteMany({ where: { expiresAt: { lt: new Date(now.getTime() - DAY_MS) } } })).count,
      scoreHistory: await pruneScoreHistory(cutoff),
      deliveries: await inBatches(
        () => db.outboxMessage.findMany({ where: { createdAt: { lt: cutoff }, status: { in: ["delivered", "dead"] } }, ...ids }),
        (id: number[]) => db.outboxMessage.deleteMany({ where: { id: { in: id } } }),
      ),
      notifications: await inBatches(
        () => db.notification.findMany({ where: { createdAt: { lt: cutoff } }, ...ids }),
        (id: number[]) => db.notification.deleteMany({ where: { id: { in: id } } }),
      ),
    };
    return counts;
  }

  /** Score history older than the cutoff, except each risk's newest point (its chart keeps a value). */
  async function pruneScoreHistory(cutoff: Date): Promise<number> {
    const newest = await db.riskScoreHistory.groupBy({ by: ["riskId"], _max: { id: true } });
    const keep = new Set(newest.map((n) => n._max.id).filter((x): x is number => x !== null));
    let after = 0;
    let total = 0;
    for (;;) {
      const rows = await db.riskScoreHistory.findMany({
        where: { recordedAt: { lt: cutoff }, id: { gt: after } },
        select: { id: true },
        orderBy: { id: "asc" },
        take: BATCH,
      });
      if (rows.length === 0) return total;
      after = rows.at(-1)!.id;
      const doomed = rows.map((r) => r.id).filter((id) => !keep.has(id));
      if (doomed.length) total += (await db.riskScoreHistory.deleteMany({ where: { id: { in: doomed } } })).count;
      if (rows.length < BATCH) return total;
      await pause();
    }
  }

  return {
    /** Prunes now (tests, the CLI); concurrent calls share one run. */
    run(): Promise<PruneCounts> {
      running ??= runOnce().finally(() => (running = null));
      return running;
    },
    /** Daily, starting a minute after start-up. Call with leader=false to stop (another instance prunes). */
    setActive(active: boolean) {
      if (!active) {
        if (timer) clearInterval(timer);
        timer = null;
        return;
      }
      if (timer) return;
      const tick = () =>
        void this.run()
          .then((c) => log.info({ pruned: c, days: deps.days }, "retention: old records pruned"))
          .catch((err: unknown) => log.error({ err }, "retention failed; will retry tomorrow"));
      timer = setTimeout(() => {
        tick();
        timer = setInterval(tick, DAY_MS);
        timer.unref();
      }, 60_000);
      timer.unref();
    },
  };
}
export type Retention = ReturnType<typeof createRetention>;
