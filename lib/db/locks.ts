// Transaction-scoped advisory locks for writes that must not interleave across connections on
// PostgreSQL (SQLite has one writer, and Prisma's SQLite adapter runs one transaction at a time,
// so there it is a no-op). Held until the transaction ends.
import type { Db, Tx } from "./client";
import type { DbFlavor } from "./url";

export const LOCKS = {
  migrations: 72_707_369,
  seed: 72_707_370,
  /** Risk writes: the score and the daily trend roll-up are read-modify-write. */
  riskWrites: 72_707_371,
  /** Role and disabled changes: "the last active admin" must stay true under concurrency. */
  adminSet: 72_707_372,
  retention: 72_707_373,
  /** Alert rule edits and seeding. */
  alertRules: 72_707_374,
  /** Alert cooldown claims: one instance raises each alert (domain/quota/alerts.ts). */
  alertClaims: 72_707_375,
} as const;

export async function lock(tx: Tx, flavor: DbFlavor, key: number): Promise<void> {
  if (flavor === "postgres") await tx.$executeRaw`SELECT pg_advisory_xact_lock(${key})`;
}

/** Thrown when a write waited longer than its deadline for its turn; answered as 503, like Prisma's own P2028. */
export class WriteQueueTimeout extends Error {
  readonly code = "P2028";
  constructor(waitedMs: number) {
    super(`the write waited ${waitedMs} ms for its turn; the database is overloaded`);
  }
}

const queues = new WeakMap<Db, Map<number, Promise<unknown>>>();

/**
 * A transaction that holds `key`'s lock. Writers of this process take turns in memory before
 * they ask the pool for a connection: a burst of 40 writes then holds one connection waiting on
 * the lock instead of all of them, so other requests still get connections and none of the 40
 * times out waiting for the pool. Other instances still meet at the advisory lock. A write whose
 * turn has not come within `maxWaitMs` fails (503) instead of queueing behind a stalled database.
 */
export function lockedTransaction<T>(
  db: Db,
  flavor: DbFlavor,
  key: number,
  fn: (tx: Tx) => Promise<T>,
  maxWaitMs = 5000,
  /** Prisma's interactive-transaction timeout (its default, 5 s, when left out); a bulk import needs more. */
  timeoutMs?: number,
): Promise<T> {
  let byKey = queues.get(db);
  if (!byKey) queues.set(db, (byKey = new Map()));
  const queued = Date.now();
  const turn = (byKey.get(key) ?? Promise.resolve()).then(() => {
    const waited = Date.now() - queued;
    if (waited > maxWaitMs) throw new WriteQueueTimeout(waited);
    return db.$transaction(
      async (tx) => {
        await lock(tx, flavor, key);
        return fn(tx);
      },
      timeoutMs === undefined ? undefined : { timeout: timeoutMs, maxWait: maxWaitMs },
    );
  });
  const done = turn.then(
    () => undefined,
    () => undefined,
  );
  byKey.set(key, done);
  void done.then(() => byKey.get(key) === done && byKey.delete(key));
  return turn;
}
