// One typed Prisma client whatever the database: the SQLite and PostgreSQL clients are
// generated from the same schema, so their model APIs are identical; the app uses the
// SQLite client's types for both.
import fs from "node:fs";
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as SqliteClient, type Prisma } from "./generated/sqlite/client";
import { PrismaClient as PgClient } from "./generated/postgres/client";
import { flavorOf, sqlitePath } from "./url";

export type Db = SqliteClient;
/** What a `$transaction(async (tx) => …)` callback receives. */
export type Tx = Prisma.TransactionClient;

/**
 * Per-connection SQLite settings. WAL (set by the migrator, stored in the file) with
 * synchronous=NORMAL cannot corrupt the database; a power cut may lose the last commits, in
 * exchange for no fsync per commit. (Measured here: commands/s did not change, the write path
 * is CPU-bound; it matters on slower disks.)
 */
export async function tuneSqlite(db: Db): Promise<void> {
  await db.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
}

export function createDb(url: string): Db {
  if (flavorOf(url) === "postgres") {
    return new PgClient({ adapter: new PrismaPg({ connectionString: url, max: 10 }) }) as unknown as Db;
  }
  const file = sqlitePath(url);
  if (file !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  // timeout = busy timeout: wait for the writer lock instead of failing with SQLITE_BUSY.
  return new SqliteClient({ adapter: new PrismaBetterSqlite3({ url: file, timeout: 10_000 }) });
}
