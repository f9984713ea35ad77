#!/usr/bin/env node
// `npm start`: builds when the build is missing or older than the sources, then runs the
// production server (migrates and seeds on its own). Signals pass through to the server.
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
process.chdir(root);
const SOURCES = ["app", "components", "lib", "hooks", "prisma/schema.prisma", "server.ts", "next.config.mjs", "package-lock.json"];
const STAMP = "dist/server.mjs";

function newest(p) {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(0, ...fs.readdirSync(p).filter((n) => n !== "generated").map((n) => newest(path.join(p, n))));
}

const built = fs.existsSync(".next/BUILD_ID") && fs.existsSync(STAMP);
if (!built || Math.max(...SOURCES.map(newest)) > fs.statSync(STAMP).mtimeMs) {
  console.log(built ? "sources changed since the last build; rebuilding…" : "first start: building (about a minute)…");
  execFileSync("npm", ["run", "-s", "build"], { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
}
const child = spawn(process.execPath, ["--enable-source-maps", STAMP], {
  stdio: "inherit",
  env: { NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", ...process.env },
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
