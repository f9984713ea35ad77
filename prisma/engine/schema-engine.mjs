#!/usr/bin/env node
// Dev-time tool (used by `npm run db:migration` and the schema-drift test, never at run time).
// Drop-in stand-in for Prisma's native `schema-engine` binary, for machines that cannot download it.
// The Prisma CLI spawns it (via PRISMA_SCHEMA_ENGINE_BINARY) and talks JSON-RPC over stdio; we
// answer each request with the WebAssembly schema engine (@prisma/schema-engine-wasm) driven through
// a Prisma driver adapter chosen from the datasource URL:
//   file:...            -> @prisma/adapter-better-sqlite3
//   postgres(ql)://...  -> @prisma/adapter-pg
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { createRequire } from "node:module";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";

const require = createRequire(import.meta.url);
const argv = process.argv.slice(2);
const log = (message, level = "INFO") =>
  process.stderr.write(JSON.stringify({ level, fields: { message }, target: "schema_engine_shim" }) + "\n");

// the wasm engine reports Rust panics through this global before trapping
globalThis.PRISMA_WASM_PANIC_REGISTRY = { set_message: (m) => log(`PANIC: ${m}`, "ERROR") };

function loadWasmEngine() {
  const bgPath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  return import("@prisma/schema-engine-wasm/schema_engine_bg").then((bg) => {
    const bytes = fs.readFileSync(path.join(path.dirname(bgPath), "schema_engine_bg.wasm"));
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { "./schema_engine_bg.js": bg });
    bg.__wbg_set_wasm(instance.exports);
    instance.exports.__wbindgen_start();
    return bg;
  });
}

// ---- adapters -----------------------------------------------------------------------------------
// Workarounds, each verified against schema-engine-wasm 8.1.0-2 + adapters 7.10.x:
// (a) the engine replays migration.sql on the shadow DB with executeRaw (a single prepared statement);
//     better-sqlite3 rejects multi-statement SQL there -> P3006. Use executeScript instead.
// (b) adapter-pg throws on Postgres' internal "char" type (OID 18) that the schema describer reads
//     from pg_catalog ("Column type 'char' could not be deserialized"). Report it as text (OID 25).
// (c) adapter-pg's connectToShadowDb() with {connectionString} silently reuses the MAIN database
//     (pg lets connectionString override `database`) and drops the shadow DB before closing its pool.
function charAsText(a) {
  if (a.adapterName !== "@prisma/adapter-pg" || typeof a.performIO !== "function") return a;
  const performIO = a.performIO.bind(a);
  a.performIO = async (q) => {
    const r = await performIO(q);
    for (const f of r.fields ?? []) if (f.dataTypeID === 18) f.dataTypeID = 25;
    return r;
  };
  return a;
}
function scriptSafe(a) {
  const executeRaw = a.executeRaw.bind(a);
  a.executeRaw = (q) => (q.args.length === 0 ? a.executeScript(q.sql).then(() => 0) : executeRaw(q));
  return a;
}
function wrap(f, shadow = () => f.connectToShadowDb()) {
  return {
    adapterName: f.adapterName,
    provider: f.provider,
    connect: async () => charAsText(await f.connect()),
    connectToShadowDb: async () => scriptSafe(charAsText(await shadow())),
  };
}
async function pgShadow(PrismaPg, config, shadowUrl) {
  const { parse } = await import("pg-connection-string");
  if (shadowUrl) return new PrismaPg(parse(shadowUrl)).connect();
  const pg = (await import("pg")).default;
  const admin = new pg.Client(config);
  await admin.connect();
  const name = `prisma_migrate_shadow_db_${crypto.randomUUID()}`;
  await admin.query(`CREATE DATABASE "${name}"`);
  const adapter = await new PrismaPg({ ...config, database: name }).connect();
  const dispose = adapter.dispose.bind(adapter);
  adapter.dispose = async () => {
    await dispose();
    await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
    await admin.end();
  };
  return adapter;
}
async function adapterFor({ url, shadowDatabaseUrl }) {
  if (/^postgres(ql)?:\/\//.test(url)) {
    const { PrismaPg } = await import("@prisma/adapter-pg");
    const { parse } = await import("pg-connection-string");
    const config = parse(url);
    return wrap(new PrismaPg(config), () => pgShadow(PrismaPg, config, shadowDatabaseUrl));
  }
  if (url.startsWith("file:")) {
    fs.mkdirSync(path.dirname(path.resolve(url.slice("file:".length))), { recursive: true });
    const { PrismaBetterSqlite3 } = await import("@prisma/adapter-better-sqlite3");
    return wrap(new PrismaBetterSqlite3({ url }, shadowDatabaseUrl ? { shadowDatabaseUrl } : undefined));
  }
  throw new Error(`schema-engine shim: unsupported datasource url ${url.replace(/\/\/.*@/, "//***@")}`);
}

// ---- CLI entry points -----------------------------------------------------------------------------
function opt(name, all = false) {
  const vals = [];
  for (let i = 0; i < argv.length; i++) if (argv[i] === name) vals.push(argv[++i]);
  return all ? vals : vals[0];
}
const datasource = JSON.parse(opt("--datasource") ?? "null");

if (argv.includes("--version") || argv.includes("-V")) {
  const bg = await loadWasmEngine();
  console.log(`schema-engine-cli ${bg.version()} (wasm shim)`);
  process.exit(0);
}

if (argv.includes("cli")) {
  // `prisma migrate dev` calls `cli can-connect-to-database` / `cli create-database`.
  const cmd = argv[argv.indexOf("cli") + 1];
  try {
    const url = datasource.url;
    if (cmd === "create-database") {
      if (url.startsWith("file:")) fs.mkdirSync(path.dirname(path.resolve(url.slice(5))), { recursive: true });
      else if (/^postgres(ql)?:\/\//.test(url)) {
        const { parse } = await import("pg-connection-string");
        const pg = (await import("pg")).default;
        const cfg = parse(url);
        const admin = new pg.Client({ ...cfg, database: "postgres" });
        await admin.connect();
        await admin.query(`CREATE DATABASE "${cfg.database}"`);
        await admin.end();
      }
    }
    const factory = await adapterFor(datasource);
    const conn = await factory.connect(); // opens/creates the SQLite file too
    await conn.dispose?.();
    process.exit(0);
  } catch (e) {
    const message = e?.cause?.message ?? e?.message ?? String(e);
    log(message, "ERROR");
    process.exit(1);
  }
}

// ---- JSON-RPC server ------------------------------------------------------------------------------
const bg = await loadWasmEngine();
const datamodels = opt("--datamodels", true).map((p) => [p, fs.readFileSync(p, "utf8")]);
const baseFactory = await adapterFor(datasource);
const factory = bindMigrationAwareSqlAdapterFactory(baseFactory);
// Like the native engine, fail per request (e.g. P1003 "Database `x` does not exist") instead of dying.
let engine, initError;
try {
  engine = await bg.SchemaEngine.new(
    { datamodels: datamodels.length ? datamodels : undefined },
    (line) => process.stderr.write(line.endsWith("\n") ? line : line + "\n"),
    factory,
  );
} catch (e) {
  initError = e;
}
const filtersOf = (p) => p?.filters ?? { externalTables: [], externalEnums: [] };

async function call(method, params) {
  if (initError) throw initError;
  switch (method) {
    case "getDatabaseVersion":
      return engine.version(params);
    case "diff": {
      // the native engine prints the script itself, through a JSON-RPC "print" request to the CLI
      const result = await engine.diff(params);
      if (result.stdout) {
        const content = result.stdout.replace(/\n$/, "");
        process.stdout.write(JSON.stringify({ jsonrpc: "2.0", id: ++printId, method: "print", params: { content } }) + "\n");
      }
      return { ...result, stdout: null };
    }
    case "reset":
      if (baseFactory.provider === "sqlite") {
        // the wasm engine's SQLite reset only DELETEs rows, so `migrate reset` then fails re-creating
        // tables ("table ... already exists"). Drop every table and view instead; keep (emptied)
        // _prisma_migrations, since the undroppable sqlite_sequence would otherwise make the engine
        // see a non-empty, un-migrated database (P3005).
        const a = await baseFactory.connect();
        const q = {
          sql: "SELECT type, name FROM sqlite_master WHERE type IN ('table','view') AND name NOT LIKE 'sqlite_%'",
          args: [],
          argTypes: [],
        };
        const { rows } = await a.queryRaw(q);
        const names = rows.map(([, name]) => name);
        const drops = rows
          .filter(([, name]) => name !== "_prisma_migrations")
          .map(([type, name]) => `DROP ${type === "view" ? "VIEW" : "TABLE"} IF EXISTS "${name.replaceAll('"', '""')}";`);
        if (names.includes("_prisma_migrations")) drops.push('DELETE FROM "_prisma_migrations";');
        const seq = await a.queryRaw({ sql: "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'", args: [], argTypes: [] });
        if (seq.rows.length) drops.push("DELETE FROM sqlite_sequence;");
        await a.executeScript(["PRAGMA foreign_keys=OFF;", ...drops, "PRAGMA foreign_keys=ON;"].join("\n"));
        await a.dispose();
        return null;
      }
      return engine.reset(params);
    case "evaluateDataLoss":
    case "createMigration":
      // Both diff against the schema of the migration history, which the wasm engine can only build on
      // a shadow DB from inside devDiagnostic/diagnoseMigrationHistory (then cached per migration list);
      // otherwise: "SQLite shadow DB must be provided through an external factory". Warm that cache.
      await call("diagnoseMigrationHistory", {
        migrationsList: params.migrationsList,
        optInToShadowDatabase: true,
        filters: filtersOf(params),
      });
      return engine[method](params);
    case "devDiagnostic":
    case "diagnoseMigrationHistory":
      try {
        return await engine[method](params);
      } catch (e) {
        // schema-engine-wasm 8.1.0-2 does not treat a missing _prisma_migrations table as "no migrations
        // yet" (P1014). Create the bookkeeping table (applying nothing) and retry.
        if (e?.code !== "P1014" || !String(e.message).includes("_prisma_migrations")) throw e;
        await engine.applyMigrations({
          migrationsList: { ...params.migrationsList, migrationDirectories: [] },
          filters: filtersOf(params),
        });
        return engine[method](params);
      }
    default:
      if (typeof engine[method] !== "function") throw Object.assign(new Error(`Method not found: ${method}`), { rpcCode: -32601 });
      return engine[method](params);
  }
}

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
let queue = Promise.resolve();
let printId = 1_000_000_000;
rl.on("line", (line) => {
  if (!line.trim()) return;
  const req = JSON.parse(line);
  if (!req.method) return; // the CLI's acknowledgements of our "print" requests
  queue = queue.then(async () => {
    let res;
    try {
      const result = await call(req.method, req.params);
      res = { jsonrpc: "2.0", id: req.id, result: result === undefined ? null : result };
    } catch (e) {
      const message = e?.message ?? String(e);
      const data = e?.code
        ? { is_panic: false, message, meta: e.meta ?? {}, error_code: e.code }
        : { is_panic: false, message, backtrace: e?.stack };
      res = {
        jsonrpc: "2.0",
        id: req.id,
        error: { code: e?.rpcCode ?? 4466, message: "An error happened. Check the data field for details.", data },
      };
    }
    process.stdout.write(JSON.stringify(res) + "\n");
  });
});
rl.on("close", async () => {
  await queue;
  engine?.free();
  process.exit(0);
});
