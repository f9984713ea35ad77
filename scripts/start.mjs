#!/usr/bin/env node
// `npm start` (production) and `npm run demo` (production build with demo data and demo
// traffic, for a laptop): builds when the build is missing or older than the sources, then runs
// the server (it migrates and seeds on its own). SIGTERM/SIGINT are passed to the server and we
// wait for it to drain and exit (the npm script uses `exec`, so npm's signal reaches us).
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
process.chdir(root);
const demo = process.argv.includes("--demo");
const SOURCES = [
  "app",
  "components",
  "lib",
  "hooks",
  "prisma/schema.prisma",
  "server.ts",
  "next.config.mjs",
  "package-lock.json",
  "scripts/user.ts",
];
const STAMP = "dist/server.mjs";

function newest(p) {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(
    0,
    ...fs
      .readdirSync(p)
      .filter((n) => n !== "generated")
      .map((n) => newest(path.join(p, n))),
  );
}

const built = fs.existsSync(".next/BUILD_ID") && fs.existsSync(STAMP);
if (!built || Math.max(...SOURCES.map(newest)) > fs.statSync(STAMP).mtimeMs) {
  console.log(built ? "sources changed since the last build; rebuilding…" : "first start: building (about a minute)…");
  execFileSync("npm", ["run", "-s", "build"], { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
}
// scripts/server-env.json, shared with the test and bench harness so what is measured is what runs:
//   MALLOC_ARENA_MAX=2 — glibc gives each allocating thread (libuv's pool, V8's GC helpers) its own
//   64 MB arena and rarely hands free pages back; two arenas cut idle RSS by ~30 MB (README
//   "Performance"). No --enable-source-maps: it keeps every bundle's source map in the heap
//   (+45 MB); set NODE_OPTIONS=--enable-source-maps for original file:line in stack traces.
const SERVER_ENV = JSON.parse(fs.readFileSync("scripts/server-env.json", "utf8"));
const env = { NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", ...SERVER_ENV, ...process.env };
if (demo) {
  env.SEED_DEMO ??= "1";
  env.DEMO_TRAFFIC ??= "1";
  console.log("demo mode: demo accounts (see the README) and simulated traffic; never expose this server.");
}
const child = spawn(process.execPath, [STAMP], { stdio: "inherit", env });
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 1) : 0)));
