// Throwaway databases for tests, benchmarks and the migration tool: a temp SQLite file, or a
// fresh database on the PostgreSQL server named by TEST_PG_URL (default: the local server).
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

export async function scratchDatabase(flavor: DbFlavor, label = "scratch"): Promise<ScratchDb> {
  if (flavor === "sqlite") {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `rp-${label}-`));
    return { url: `file:${path.join(dir, "db.sqlite")}`, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `rp_${label}_${crypto.randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminPgUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
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
