import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { createDb } from "../../lib/db/client";
import { migrate, migrationsDir, readMigrations } from "../../lib/db/migrate";
import { scratchDatabase } from "../../lib/db/scratch";
import { flavor } from "../support/db";

describe(`migrator (${flavor})`, () => {
  it("applies every migration once, records it as Prisma does, and is a no-op the second time", async () => {
    const s = await scratchDatabase(flavor, "mig", { asyncCommit: true });
    try {
      const first = await migrate(s.url);
      assert.deepEqual(
        first.applied,
        readMigrations(migrationsDir(flavor)).map((m) => m.name),
      );
      const second = await migrate(s.url);
      assert.deepEqual(second, { applied: [], alreadyApplied: first.applied.length });
      const db = createDb(s.url);
      const rows = await db.$queryRawUnsafe<{ migration_name: string; checksum: string }[]>(
        `SELECT migration_name, checksum FROM "_prisma_migrations"`,
      );
      assert.equal(rows.length, first.applied.length);
      assert.match(rows[0]!.checksum, /^[0-9a-f]{64}$/);
      assert.equal(await db.risk.count(), 0); // the schema is usable
      await db.$disconnect();
    } finally {
      await s.drop();
    }
  });

  it("rolls a failing migration back whole and records nothing", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rp-migs-"));
    fs.mkdirSync(path.join(dir, "001_ok"));
    fs.writeFileSync(path.join(dir, "001_ok/migration.sql"), 'CREATE TABLE "a" ("id" INTEGER PRIMARY KEY);');
    fs.mkdirSync(path.join(dir, "002_bad"));
    fs.writeFileSync(path.join(dir, "002_bad/migration.sql"), 'CREATE TABLE "b" ("id" INTEGER PRIMARY KEY);\nTHIS IS NOT SQL;');
    const s = await scratchDatabase(flavor, "mig", { asyncCommit: true });
    try {
      await assert.rejects(migrate(s.url, { dir }), /Migration 002_bad failed and was rolled back/);
      const db = createDb(s.url);
      const names = await db.$queryRawUnsafe<{ migration_name: string }[]>(`SELECT migration_name FROM "_prisma_migrations"`);
      assert.deepEqual(
        names.map((n) => n.migration_name),
        ["001_ok"],
      );
      await assert.rejects(db.$queryRawUnsafe(`SELECT * FROM "b"`)); // table b was rolled back
      await db.$disconnect();
    } finally {
      await s.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
