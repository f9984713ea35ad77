// Applies prisma/migrations/<flavor>/*/migration.sql on start, through the database driver:
// in name order, each in its own transaction, recorded in _prisma_migrations exactly as
// `prisma migrate deploy` records them (so the stock CLI's `migrate status` agrees). On
// PostgreSQL an advisory lock makes concurrently starting instances wait for each other; on
// SQLite each migration takes the write lock and first checks nobody recorded it meanwhile.
// SQLite migrations run with foreign keys off and are checked (foreign_key_check) before COMMIT.
import "server-only";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { flavorOf, sqlitePath, type DbFlavor } from "./url";

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}
export interface MigrateResult {
  applied: string[];
  alreadyApplied: number;
}
interface Driver {
  exec(sql: string): Promise<void>;
  appliedChecksums(): Promise<Map<string, string | null>>;
  /** Applies and records m in one transaction; false when another instance already had. */
  apply(m: Migration): Promise<boolean>;
  close(): Promise<void>;
}

const PG_LOCK_KEY = 72_707_369; // arbitrary, fixed: "RiskPulse migrations"

export function migrationsDir(flavor: DbFlavor, root = process.cwd()): string {
  return path.join(root, "prisma", "migrations", flavor);
}

export function readMigrations(dir: string): Migration[] {
  if (!fs.existsSync(dir)) throw new Error(`No migrations folder at ${dir}`);
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: crypto.createHash("sha256").update(sql).digest("hex") };
    });
}

const BOOKKEEPING = {
  sqlite: `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME,
    "migration_name" TEXT NOT NULL, "logs" TEXT, "rolled_back_at" DATETIME,
    "started_at" DATETIME NOT NULL DEFAULT current_timestamp, "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`,
  postgres: `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`,
};
const SELECT_APPLIED = `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`;
const INSERT_APPLIED = `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)`;

interface ForeignKeyViolation {
  table: string;
  rowid: number | null;
  parent: string;
  fkid: number;
}

/** `PRAGMA foreign_key_check` rows as a sentence naming the tables and rows (the first few per table). */
export function describeOrphans(rows: ForeignKeyViolation[]): string {
  const byTable = new Map<string, { parent: string; rowids: (number | null)[] }>();
  for (const r of rows) {
    const key = `"${r.table}" → "${r.parent}"`;
    const entry = byTable.get(key) ?? { parent: r.parent, rowids: [] };
    entry.rowids.push(r.rowid);
    byTable.set(key, entry);
  }
  const parts = [...byTable].map(([key, { rowids }]) => {
    const shown = rowids.slice(0, 5).map((id) => (id === null ? "(no rowid)" : String(id)));
    const more = rowids.length > 5 ? ` and ${rowids.length - 5} more` : "";
    return `${key}: ${rowids.length} row(s) (rowid ${shown.join(", ")}${more})`;
  });
  return `foreign key check failed, rows point at missing parents: ${parts.join("; ")}`;
}

function sqliteDriver(file: string): Driver {
  // The data directory holds the database and the session secret: private to the server's user.
  if (file !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
  const db = new Database(file, { timeout: 10_000 });
  // WAL lets the dashboard read while a write is in progress; it is stored in the file.
  db.pragma("journal_mode = WAL");
  return {
    async exec(sql) {
      // With the write lock up front: a statement that reads first and then writes cannot
      // upgrade after another process wrote (WAL fails that at once, without waiting).
      db.exec("BEGIN IMMEDIATE");
      try {
        db.exec(sql);
        db.exec("COMMIT");
      } catch (e) {
        if (db.inTransaction) db.exec("ROLLBACK");
        throw e;
      }
    },
    async appliedChecksums() {
      const rows = db.prepare(SELECT_APPLIED).all() as { migration_name: string; checksum: string; finished_at: string | null }[];
      return new Map(rows.map((r) => [r.migration_name, r.finished_at ? r.checksum : null]));
    },
    async apply(m) {
      const now = new Date().toISOString();
      // A migration that redefines a table (create new_X, copy, DROP X, rename) must run with
      // foreign keys off, or the DROP deletes every row that references X (ON DELETE CASCADE)
      // or nulls it (SET NULL). The pragma is a no-op inside a transaction — the migration's own
      // `PRAGMA foreign_keys=OFF` does nothing here — so it is set on the connection first, and
      // the keys are checked as a whole before COMMIT instead.
      db.pragma("foreign_keys = OFF");
      try {
        // BEGIN IMMEDIATE takes the write lock up front, so two processes cannot interleave.
        db.exec("BEGIN IMMEDIATE");
        try {
          // Another process may have applied it while this one waited for the lock.
          if (db.prepare(`${SELECT_APPLIED} AND migration_name = ?`).get(m.name)) {
            db.exec("ROLLBACK");
            return false;
          }
          db.exec(m.sql);
          const orphans = db.prepare("PRAGMA foreign_key_check").all() as ForeignKeyViolation[];
          if (orphans.length > 0) throw new Error(describeOrphans(orphans));
          db.prepare(`${INSERT_APPLIED} VALUES (?, ?, ?, ?, ?, 1)`).run(
            crypto.randomUUID(),
            m.checksum,
            m.name,
            now,
            new Date().toISOString(),
          );
          db.exec("COMMIT");
          return true;
        } catch (e) {
          if (db.inTransaction) db.exec("ROLLBACK");
          throw e;
        }
      } finally {
        db.pragma("foreign_keys = ON");
      }
    },
    async close() {
      db.close();
    },
  };
}

async function postgresDriver(url: string): Promise<Driver> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query("SELECT pg_advisory_lock($1)", [PG_LOCK_KEY]);
  return {
    async exec(sql) {
      await client.query(sql);
    },
    async appliedChecksums() {
      const { rows } = await client.query(SELECT_APPLIED);
      return new Map(rows.map((r) => [r.migration_name as string, r.finished_at ? (r.checksum as string) : null]));
    },
    async apply(m) {
      await client.query("BEGIN");
      try {
        await client.query(m.sql); // simple-query protocol: a multi-statement script is fine
        await client.query(`${INSERT_APPLIED} VALUES ($1, $2, $3, now(), now(), 1)`, [crypto.randomUUID(), m.checksum, m.name]);
        await client.query("COMMIT");
        return true; // the advisory lock, held since connect, means nobody else applied it meanwhile
      } catch (e) {
        await client.query("ROLLBACK");
        throw e;
      }
    },
    async close() {
      await client.query("SELECT pg_advisory_unlock($1)", [PG_LOCK_KEY]).catch(() => undefined);
      await client.end();
    },
  };
}

export async function migrate(
  url: string,
  opts: { dir?: string; onApply?: (name: string) => void; onWarn?: (msg: string) => void } = {},
): Promise<MigrateResult> {
  const flavor = flavorOf(url);
  const migrations = readMigrations(opts.dir ?? migrationsDir(flavor));
  const driver = flavor === "postgres" ? await postgresDriver(url) : sqliteDriver(sqlitePath(url));
  try {
    await driver.exec(BOOKKEEPING[flavor]);
    const applied = await driver.appliedChecksums();
    const result: MigrateResult = { applied: [], alreadyApplied: 0 };
    for (const m of migrations) {
      if (applied.has(m.name)) {
        const checksum = applied.get(m.name);
        if (checksum === null) {
          throw new Error(`Migration ${m.name} started but never finished; inspect the database, then resolve it`);
        }
        if (checksum !== m.checksum) opts.onWarn?.(`Migration ${m.name} was modified after it was applied`);
        result.alreadyApplied++;
        continue;
      }
      let ran: boolean;
      try {
        ran = await driver.apply(m);
      } catch (e) {
        throw new Error(`Migration ${m.name} failed and was rolled back: ${(e as Error).message}`, { cause: e });
      }
      if (!ran) {
        result.alreadyApplied++;
        continue;
      }
      opts.onApply?.(m.name);
      result.applied.push(m.name);
    }
    return result;
  } finally {
    await driver.close();
  }
}
