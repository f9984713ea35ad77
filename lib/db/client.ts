// One typed Prisma client whatever the database: the SQLite and PostgreSQL clients are
// generated from the same schema, so their model APIs are identical; the app uses the SQLite
// client's types for both. Every query has a deadline: a database that stops answering fails
// requests within DB_STATEMENT_TIMEOUT_MS (as 503) instead of hanging them for the outage.
import "server-only";
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

export interface DbOptions {
  poolSize?: number;
  statementTimeoutMs?: number;
  connectTimeoutMs?: number;
  onPoolError?: (err: Error) => void;
}

/**
 * Per-connection SQLite settings. WAL (set by the migrator, stored in the file) with
 * synchronous=NORMAL cannot corrupt the database; a power cut may lose the last commits, in
 * exchange for no fsync per commit.
 */
export async function tuneSqlite(db: Db): Promise<void> {
  await db.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
}

export function createDb(url: string, opts: DbOptions = {}): Db {
  const timeout = opts.statementTimeoutMs ?? 5000;
  // A transaction may wait for a pooled connection as long as a statement may run: a burst of
  // requests queues for the pool (2 s, Prisma's default, turned bursts on a busy machine into 503s).
  const transactionOptions = { maxWait: timeout, timeout };
  if (flavorOf(url) === "postgres") {
    const adapter = new PrismaPg(
      {
        connectionString: url,
        max: opts.poolSize ?? 10,
        connectionTimeoutMillis: opts.connectTimeoutMs ?? 3000,
        // Client-side: a query whose answer never comes fails (and its connection is dropped).
        query_timeout: timeout,
        // Server-side: the database itself stops long statements and abandoned transactions.
        statement_timeout: timeout,
        idle_in_transaction_session_timeout: timeout * 2,
        keepAlive: true,
      },
      { onPoolError: opts.onPoolError, onConnectionError: opts.onPoolError },
    );
    return new PgClient({ adapter, transactionOptions }) as unknown as Db;
  }
  const file = sqlitePath(url);
  if (file !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 }); // private, as in migrate.ts
  // timeout = busy timeout: wait for the writer lock (up to the deadline) instead of failing at once.
  return new SqliteClient({ adapter: new PrismaBetterSqlite3({ url: file, timeout }), transactionOptions });
}
