// Transaction-scoped advisory locks for writes that must not interleave across connections on
// PostgreSQL (SQLite has one writer, and Prisma's SQLite adapter runs one transaction at a time,
// so there it is a no-op). Held until the transaction ends.
import type { Tx } from "./client";
import type { DbFlavor } from "./url";

export const LOCKS = {
  migrations: 72_707_369,
  seed: 72_707_370,
  /** Risk writes: the score and the daily trend roll-up are read-modify-write. */
  riskWrites: 72_707_371,
  /** Role and disabled changes: "the last active admin" must stay true under concurrency. */
  adminSet: 72_707_372,
  retention: 72_707_373,
} as const;

export async function lock(tx: Tx, flavor: DbFlavor, key: number): Promise<void> {
  if (flavor === "postgres") await tx.$executeRaw`SELECT pg_advisory_xact_lock(${key})`;
}
