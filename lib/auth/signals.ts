// Auth changes made by another process than the servers — `npm run user -- disable` and
// friends — reach every running instance through the database they all share: the process
// writes its domain events (user changed, sessions ended, tokens revoked) as AuthSignal rows,
// and every instance polls for new rows about once a second and hands them to its own bus,
// where caches drop the stale entries and live connections re-check their credential and close.
// This works the same with one SQLite instance (no Redis) and in a cluster (each instance reads
// the rows itself, so they are not relayed again).
import "server-only";
import type { Db } from "../db/client";
import { CLUSTER_EVENTS, type DomainEvent, type EventPublisher } from "../domain/events";
import type { Logger } from "../log";
import type { EventBus } from "../domain/bus";

const KEEP_MS = 86_400_000;
const BATCH = 100;

/** The publisher of a process outside the servers: events go to the database; await flush() before exiting. */
export function signalPublisher(db: Db): EventPublisher & { flush(): Promise<void> } {
  let chain: Promise<unknown> = Promise.resolve();
  return {
    publish(event: DomainEvent) {
      if (!CLUSTER_EVENTS.has(event.type)) return; // what only the instance that made it acts on
      chain = chain.then(() => db.authSignal.create({ data: { event: JSON.stringify(event) } }));
    },
    async flush() {
      await chain;
      await db.authSignal.deleteMany({ where: { at: { lt: new Date(Date.now() - KEEP_MS) } } });
    },
  };
}

/** Every instance: polls for signals written after it started and publishes them on its bus. */
export function watchSignals(deps: { db: Db; bus: EventBus; log: Logger; everyMs?: number }) {
  const { db, bus, log } = deps;
  let cursor: number | null = null;
  let running = false;
  let failing = false;
  const poll = async () => {
    if (running) return;
    running = true;
    try {
      // Older signals concern caches this instance never filled. (Ids are taken in commit order
      // as long as one process writes at a time; anything missed is still caught by the
      // connections' once-a-minute re-check.)
      let after: number = cursor ?? (await db.authSignal.aggregate({ _max: { id: true } }))._max.id ?? 0;
      cursor = after;
      for (;;) {
        const rows: { id: number; event: string }[] = await db.authSignal.findMany({
          where: { id: { gt: after } },
          orderBy: { id: "asc" },
          take: BATCH,
        });
        for (const row of rows) {
          cursor = after = row.id;
          try {
            bus.publishRemote(JSON.parse(row.event) as DomainEvent);
          } catch (err) {
            log.warn({ err, id: row.id }, "an auth signal could not be applied");
          }
        }
        if (rows.length < BATCH) break;
      }
      if (failing) log.info("auth signals readable again");
      failing = false;
    } catch (err) {
      // The database is away: the signals wait in it, and are read when it is back.
      if (!failing) log.warn({ err: (err as Error)?.message }, "cannot read auth signals");
      failing = true;
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void poll(), deps.everyMs ?? 1000);
  timer.unref();
  void poll();
  return {
    stop: () => clearInterval(timer),
  };
}
