// The migrator under the conditions of a real upgrade: a migration that would leave rows
// pointing at nothing is refused whole, and two instances starting on one database at the same
// moment apply each migration exactly once.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import Database from "better-sqlite3";
import pg from "pg";
import { migrate, migrationsDir, readMigrations } from "../../lib/db/migrate";
import { scratchDatabase } from "../../lib/db/scratch";
import { sqlitePath } from "../../lib/db/url";
import { flavor } from "../support/db";

function migrationsFolder(migs: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rp-migs-"));
  for (const [name, sql] of Object.entries(migs)) {
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, "migration.sql"), sql);
  }
  return dir;
}

async function recordedNames(url: string): Promise<string[]> {
  const sql = `SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name`;
  if (flavor === "sqlite") {
    const db = new Database(sqlitePath(url), { readonly: true });
    try {
      return db.prepare(sql).pluck().all() as string[];
    } finally {
      db.close();
    }
  }
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<{ migration_name: string }>(sql)).rows.map((r) => r.migration_name);
  } finally {
    await c.end();
  }
}

describe(`migrator safety (${flavor})`, () => {
  it(
    "refuses a SQLite migration that leaves orphans: rolled back, the error names the table and rows",
    { skip: flavor !== "sqlite" },
    async () => {
      const dir = migrationsFolder({
        "001_tables": `CREATE TABLE "P" ("id" INTEGER PRIMARY KEY);
        CREATE TABLE "C" ("id" INTEGER PRIMARY KEY, "pId" INTEGER NOT NULL REFERENCES "P" ("id") ON DELETE CASCADE);
        INSERT INTO "P" VALUES (1), (2); INSERT INTO "C" VALUES (10, 1), (11, 2);`,
        // Keys are off while a migration runs, so this DELETE cascades nowhere: C's rows dangle.
        "002_orphans": `DELETE FROM "P";`,
      });
      const s = await scratchDatabase(flavor, "mig", { asyncCommit: true });
      try {
        await assert.rejects(migrate(s.url, { dir }), (err: Error) => {
          assert.match(err.message, /Migration 002_orphans failed and was rolled back/);
          assert.match(err.message, /foreign key check failed/);
          assert.match(err.message, /"C" → "P": 2 row\(s\) \(rowid 10, 11\)/);
          return true;
        });
        const db = new Database(sqlitePath(s.url), { readonly: true });
        try {
          assert.equal(db.prepare(`SELECT count(*) FROM "P"`).pluck().get(), 2); // the DELETE was rolled back
          assert.deepEqual(db.prepare(`SELECT migration_name FROM "_prisma_migrations"`).pluck().all(), ["001_tables"]);
        } finally {
          db.close();
        }
      } finally {
        await s.drop();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it("two instances migrating one database at the same moment both succeed, each migration recorded once", async () => {
    const s = await scratchDatabase(flavor, "mig", { asyncCommit: true });
    const names = readMigrations(migrationsDir(flavor)).map((m) => m.name);
    try {
      const children = [0, 1].map(() =>
        spawn(process.execPath, ["--require", "./scripts/preload.cjs", "--import", "tsx", "test/support/migrate-child.ts", s.url], {
          stdio: ["pipe", "pipe", "inherit"],
        }),
      );
      const outputs = children.map(
        (child) =>
          new Promise<{ code: number | null; lines: string[] }>((resolve) => {
            let out = "";
            child.stdout.on("data", (d) => (out += d));
            child.on("exit", (code) => resolve({ code, lines: out.trim().split("\n") }));
          }),
      );
      // Both are loaded and waiting: release them together.
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              const onData = (d: Buffer) => {
                if (d.toString().includes("ready")) {
                  child.stdout.off("data", onData);
                  resolve();
                }
              };
              child.stdout.on("data", onData);
            }),
        ),
      );
      for (const child of children) child.stdin.end("go\n");
      const results = await Promise.all(outputs);
      const reports = results.map(
        (r) => JSON.parse(r.lines.at(-1)!) as { ok: boolean; error?: string; result?: { applied: string[]; alreadyApplied: number } },
      );
      assert.deepEqual(
        reports.map((r) => r.error ?? "ok"),
        ["ok", "ok"],
      );
      assert.deepEqual(
        results.map((r) => r.code),
        [0, 0],
      );
      // Between them, every migration was applied exactly once.
      const applied = reports.flatMap((r) => r.result!.applied).sort();
      assert.deepEqual(applied, names);
      assert.equal(reports[0]!.result!.alreadyApplied + reports[1]!.result!.alreadyApplied, names.length);
      assert.deepEqual(await recordedNames(s.url), names);
    } finally {
      await s.drop();
    }
  });
});
