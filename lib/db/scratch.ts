// Throwaway databases for tests, benchmarks and the migration tool: a temp SQLite file, or a
// fresh database on the PostgreSQL server named by TEST_PG_URL (default: the local server).
// Given a template (a database made earlier the same way), the new one starts as its copy.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { DbFlavor } from "./url";

export const adminPgUrl = () => process.env.TEST_PG_URL ?? "postgres://postgres@localhost:5432/test";

export interface ScratchDb {
  url: string;
  drop(): Promise<void>;
}

/**
 * A new empty (or, given `template`, copied) database. `asyncCommit` (tests only) turns off
 * PostgreSQL's wait for the WAL flush on each commit in that database: a commit costs ~0.2 ms
 * instead of ~6 ms on this machine's disk, and nothing a test does depends on surviving a crash
 * of PostgreSQL itself (the chaos suites kill the app, never the database). Benchmarks and the
 * migration tool keep the server's durable default.
 */
export async function scratchDatabase(
  flavor: DbFlavor,
  label = "scratch",
  opts: { template?: string; asyncCommit?: boolean } = {},
): Promise<ScratchDb> {
  if (flavor === "sqlite") {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `rp-${label}-`));
    const file = path.join(dir, "db.sqlite");
    if (opts.template) {
      const source = opts.template.replace(/^file:/, "");
      for (const suffix of ["", "-wal"]) if (fs.existsSync(source + suffix)) fs.copyFileSync(source + suffix, file + suffix);
    }
    return { url: `file:${file}`, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `rp_${label}_${crypto.randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminPgUrl() });
  await admin.connect();
  try {
    // A template must have no connections while it is copied; nobody connects to one after it is made.
    const template = opts.template ? ` TEMPLATE "${new URL(opts.template).pathname.slice(1)}"` : "";
    await admin.query(`CREATE DATABASE "${name}"${template}`);
    // A database's settings are not copied from its template: set on every copy.
    if (opts.asyncCommit) await admin.query(`ALTER DATABASE "${name}" SET synchronous_commit = off`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminPgUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminPgUrl() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).finally(() => c.end());
    },
  };
}
