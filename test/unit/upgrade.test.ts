// Upgrading keeps data: for every released schema (the first k migrations, for every k below
// the total), a database at that schema gets rows in every table it has, then migrates to head,
// and every row must still be there. The rows are generated from the schema itself (columns,
// NOT NULL, foreign keys, enum labels), so new migrations and tables are covered without
// editing this file.
import assert from "node:assert/strict";
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

interface Column {
  name: string;
  type: string; // lower case: "integer", "text", "timestamp(3) without time zone", …
  notNull: boolean;
  enumLabels?: string[];
}
interface ForeignKey {
  columns: string[];
  parent: string;
  parentColumns: string[];
}
interface Table {
  name: string;
  columns: Column[];
  primaryKey: string[];
  foreignKeys: ForeignKey[];
}
type Row = Record<string, unknown>;

/** The raw driver, so the suite measures the migrator, not the ORM. */
interface Raw {
  tables(): Promise<Table[]>;
  insert(table: string, row: Row): Promise<void>;
  count(table: string): Promise<number>;
  select(table: string, where: Row): Promise<Row | undefined>;
  close(): Promise<void>;
}

const q = (id: string) => `"${id.replace(/"/g, '""')}"`;

function sqliteRaw(url: string): Raw {
  const db = new Database(sqlitePath(url));
  db.pragma("foreign_keys = ON"); // the generated rows must satisfy every foreign key
  return {
    async tables() {
      const names = db
        .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_prisma_migrations'`)
        .pluck()
        .all() as string[];
      return names.map((name) => {
        const info = db.prepare(`PRAGMA table_info(${q(name)})`).all() as { name: string; type: string; notnull: number; pk: number }[];
        const fks = db.prepare(`PRAGMA foreign_key_list(${q(name)})`).all() as { id: number; table: string; from: string; to: string }[];
        const byId = new Map<number, ForeignKey>();
        for (const f of fks) {
          const fk = byId.get(f.id) ?? { columns: [], parent: f.table, parentColumns: [] };
          fk.columns.push(f.from);
          fk.parentColumns.push(f.to);
          byId.set(f.id, fk);
        }
        return {
          name,
          columns: info.map((c) => ({ name: c.name, type: c.type.toLowerCase(), notNull: c.notnull === 1 || c.pk > 0 })),
          primaryKey: info
            .filter((c) => c.pk > 0)
            .sort((a, b) => a.pk - b.pk)
            .map((c) => c.name),
          foreignKeys: [...byId.values()],
        };
      });
    },
    async insert(table, row) {
      const cols = Object.keys(row);
      db.prepare(`INSERT INTO ${q(table)} (${cols.map(q).join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`).run(
        ...cols.map((c) => row[c]),
      );
    },
    async count(table) {
      return db
        .prepare(`SELECT count(*) FROM ${q(table)}`)
        .pluck()
        .get() as number;
    },
    async select(table, where) {
      const cols = Object.keys(where);
      return db
        .prepare(`SELECT * FROM ${q(table)} WHERE ${cols.map((c) => `${q(c)} = ?`).join(" AND ")}`)
        .get(...cols.map((c) => where[c])) as Row | undefined;
    },
    async close() {
      db.close();
    },
  };
}

async function postgresRaw(url: string): Promise<Raw> {
  // Timestamps without a time zone as their text, not as a Date in the machine's zone.
  const types = {
    getTypeParser: (oid: number, format?: "text" | "binary") => (oid === 1114 ? (v: string) => v : pg.types.getTypeParser(oid, format)),
  };
  const c = new pg.Client({ connectionString: url, types: types as pg.CustomTypesConfig });
  await c.connect();
  return {
    async tables() {
      const cols = await c.query<{ table_name: string; column_name: string; data_type: string; udt_name: string; is_nullable: string }>(
        `SELECT table_name, column_name, data_type, udt_name, is_nullable FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name <> '_prisma_migrations' ORDER BY table_name, ordinal_position`,
      );
      const enums = await c.query<{ typname: string; labels: string[] }>(
        `SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS labels
         FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname`,
      );
      const labels = new Map(enums.rows.map((e) => [e.typname, e.labels]));
      // Constraint columns in declared order, from the catalog (information_schema cannot pair
      // a composite foreign key's columns with the parent's).
      const cons = await c.query<{
        table_name: string;
        contype: string;
        conname: string;
        cols: string[];
        parent: string | null;
        pcols: string[] | null;
      }>(
        `SELECT rel.relname AS table_name, con.contype, con.conname,
           ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.i) AS cols,
           prel.relname AS parent,
           CASE WHEN con.contype = 'f' THEN ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.i) END AS pcols
         FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid JOIN pg_namespace ns ON ns.oid = rel.relnamespace
         LEFT JOIN pg_class prel ON prel.oid = con.confrelid
         WHERE ns.nspname = 'public' AND con.contype IN ('p', 'f')`,
      );
      const tables = new Map<string, Table>();
      for (const r of cols.rows) {
        const t = tables.get(r.table_name) ?? { name: r.table_name, columns: [], primaryKey: [], foreignKeys: [] };
        t.columns.push({
          name: r.column_name,
          type: r.data_type === "USER-DEFINED" ? `enum ${r.udt_name}` : r.data_type.toLowerCase(),
          notNull: r.is_nullable === "NO",
          enumLabels: labels.get(r.udt_name),
        });
        tables.set(r.table_name, t);
      }
      for (const k of cons.rows) {
        const t = tables.get(k.table_name);
        if (!t) continue;
        if (k.contype === "p") t.primaryKey = k.cols;
        else t.foreignKeys.push({ columns: k.cols, parent: k.parent!, parentColumns: k.pcols! });
      }
      return [...tables.values()];
    },
    async insert(table, row) {
      const cols = Object.keys(row);
      await c.query(
        `INSERT INTO ${q(table)} (${cols.map(q).join(", ")}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(", ")})`,
        cols.map((col) => row[col]),
      );
    },
    async count(table) {
      const { rows } = await c.query<{ n: string }>(`SELECT count(*) AS n FROM ${q(table)}`);
      return Number(rows[0]!.n);
    },
    async select(table, where) {
      const cols = Object.keys(where);
      const { rows } = await c.query(
        `SELECT * FROM ${q(table)} WHERE ${cols.map((col, i) => `${q(col)} = $${i + 1}`).join(" AND ")}`,
        cols.map((col) => where[col]),
      );
      return rows[0] as Row | undefined;
    },
    async close() {
      await c.end();
    },
  };
}

const openRaw = (url: string) => (flavor === "postgres" ? postgresRaw(url) : Promise.resolve(sqliteRaw(url)));

/** A value of the column's type, distinct per (table, column, row) so unique indexes hold. */
function valueFor(table: string, col: Column, i: number): unknown {
  const t = col.type;
  if (col.enumLabels) return col.enumLabels[i % col.enumLabels.length];
  if (/bool/.test(t)) return flavor === "sqlite" ? i % 2 : i % 2 === 1;
  if (/date|time/.test(t)) {
    const iso = new Date(Date.UTC(2026, 0, 1 + i, 12, 30, i)).toISOString();
    return iso;
  }
  if (/int|serial/.test(t)) return 1000 + i;
  if (/real|double|float|numeric|decimal/.test(t)) return 0.5 + i;
  if (/json/.test(t)) return JSON.stringify({ n: i });
  if (/blob|bytea/.test(t)) return Buffer.from(`${table}.${col.name}.${i}`);
  return `${table}.${col.name}.${i}`;
}

/** Tables parents first, so every foreign key has its row to point at. */
function parentsFirst(tables: Table[]): Table[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const out: Table[] = [];
  const seen = new Set<string>();
  const visit = (t: Table, stack: Set<string>) => {
    if (seen.has(t.name) || stack.has(t.name)) return;
    stack.add(t.name);
    for (const fk of t.foreignKeys) {
      const p = byName.get(fk.parent);
      if (p && p.name !== t.name) visit(p, stack);
    }
    seen.add(t.name);
    out.push(t);
  };
  for (const t of [...tables].sort((a, b) => a.name.localeCompare(b.name))) visit(t, new Set());
  return out;
}

const ROWS_PER_TABLE = 3;

/** Fills every table with ROWS_PER_TABLE rows (every column set, nullable ones too); returns row 0 of each. */
async function fill(raw: Raw, tables: Table[]): Promise<Map<string, Row>> {
  const rows = new Map<string, Row[]>();
  for (const t of parentsFirst(tables)) {
    const mine: Row[] = [];
    for (let i = 0; i < ROWS_PER_TABLE; i++) {
      const row: Row = {};
      for (const col of t.columns) row[col.name] = valueFor(t.name, col, i);
      for (const fk of t.foreignKeys) {
        // Row i points at the parent's row i (a self-reference points at itself).
        const parent = fk.parent === t.name ? row : rows.get(fk.parent)?.[i];
        assert.ok(parent, `${t.name} references ${fk.parent}, which has no rows`);
        fk.columns.forEach((c, n) => (row[c] = parent[fk.parentColumns[n]!]));
      }
      await raw.insert(t.name, row);
      mine.push(row);
    }
    rows.set(t.name, mine);
  }
  return new Map([...rows].map(([name, r]) => [name, r[0]!]));
}

/** A stored value in one comparable form (drivers differ: Date vs ISO text, "1000" vs 1000). */
function norm(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  if (Buffer.isBuffer(v)) return v.toString("base64");
  if (typeof v === "string" && /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}/.test(v)) {
    const iso = v.replace(" ", "T");
    return new Date(/Z|[+-]\d{2}(:?\d{2})?$/.test(iso) ? iso : `${iso}Z`).toISOString();
  }
  return String(v);
}

const all = readMigrations(migrationsDir(flavor));

describe(`upgrading a database keeps its rows (${flavor})`, () => {
  for (let k = 1; k < all.length; k++) {
    it(`from ${all[k - 1]!.name} (${k} of ${all.length}) to head`, async () => {
      // A migrations folder holding only the first k: the database is at that released schema.
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rp-upgrade-"));
      for (const m of all.slice(0, k)) {
        fs.mkdirSync(path.join(dir, m.name));
        fs.writeFileSync(path.join(dir, m.name, "migration.sql"), m.sql);
      }
      const s = await scratchDatabase(flavor, "upgrade", { asyncCommit: true });
      try {
        await migrate(s.url, { dir });
        let raw = await openRaw(s.url);
        const before = await raw.tables();
        assert.ok(before.length > 0);
        const samples = await fill(raw, before);
        const counts = new Map<string, number>();
        for (const t of before) counts.set(t.name, await raw.count(t.name));
        await raw.close();

        const result = await migrate(s.url);
        assert.deepEqual(
          result.applied,
          all.slice(k).map((m) => m.name),
        );

        raw = await openRaw(s.url);
        try {
          const after = new Map((await raw.tables()).map((t) => [t.name, t]));
          const lost: string[] = [];
          for (const t of before) {
            const now = after.get(t.name);
            if (!now) continue; // dropped on purpose by a later migration: nothing to keep
            const n = await raw.count(t.name);
            if (n !== counts.get(t.name)) lost.push(`${t.name}: ${counts.get(t.name)} rows before, ${n} after`);
          }
          assert.deepEqual(lost, [], `rows lost upgrading from ${all[k - 1]!.name}:\n  ${lost.join("\n  ")}`);

          for (const t of before) {
            const now = after.get(t.name);
            const key = t.primaryKey.length > 0 ? t.primaryKey : t.columns.map((c) => c.name);
            if (!now || !key.every((c) => now.columns.some((x) => x.name === c))) continue;
            const sample = samples.get(t.name)!;
            const stored = await raw.select(t.name, Object.fromEntries(key.map((c) => [c, sample[c]])));
            assert.ok(stored, `${t.name}: the sample row is gone`);
            for (const col of t.columns) {
              if (!(col.name in stored)) continue; // the column was dropped by a later migration
              assert.deepEqual(norm(stored[col.name]), norm(sample[col.name]), `${t.name}.${col.name} changed`);
            }
          }
        } finally {
          await raw.close();
        }
      } finally {
        await s.drop();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
