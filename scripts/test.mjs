#!/usr/bin/env node
// The one test command (`npm test`, also run by CI): lint and format check, typecheck, build,
// schema drift check, unit and integration suites on SQLite and on PostgreSQL, then the
// Playwright e2e suite in Debian's Chromium. Prints a closing "N passed, N failed" line; exits
// non-zero on any failure.
//   TEST_POSTGRES=0   skip the PostgreSQL pass (say so loudly; CI never sets it)
//   TEST_ONLY=lint,unit,integration,chaos,cluster,e2e   run a subset (the build still runs unless SKIP_BUILD=1)
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
process.chdir(root);
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
const only = process.env.TEST_ONLY?.split(",");
const wants = (s) => !only || only.includes(s);
const flavors = process.env.TEST_POSTGRES === "0" ? ["sqlite"] : ["sqlite", "postgres"];
const totals = { passed: 0, failed: 0 };
const timings = [];

function run(label, cmd, args, extraEnv = {}, count) {
  return new Promise((resolve) => {
    const started = Date.now();
    console.log(`\n▶ ${label}`);
    const child = spawn(cmd, args, { env: { ...env, ...extraEnv }, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.on("exit", (code) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      timings.push(`${label}: ${seconds}s`);
      const counted = count?.(out);
      if (counted) {
        totals.passed += counted.passed;
        totals.failed += counted.failed;
      }
      if (code !== 0 && !(counted && counted.failed > 0)) totals.failed += 1; // a crash counts as a failure
      resolve(code === 0);
    });
  });
}
const nodeTestCount = (out) => ({
  passed: Number(out.match(/^# pass (\d+)/m)?.[1] ?? 0),
  failed: Number(out.match(/^# fail (\d+)/m)?.[1] ?? 0),
});
const playwrightCount = (out) => ({
  passed: Number(out.match(/(\d+) passed/)?.[1] ?? 0),
  failed: Number(out.match(/(\d+) failed/)?.[1] ?? 0) + Number(out.match(/(\d+) flaky/)?.[1] ?? 0),
});
// Suites that exercise transports or the bench harness, not database code (the same code path
// on both databases): they run in the SQLite pass only, to keep `npm test` under 15 minutes.
const ONCE = new Set(["bench.test.ts", "metrics.test.ts", "plain-websocket.test.ts", "sockets.test.ts"]);
const files = (dir, { once = true } = {}) =>
  fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".test.ts") && (once || !ONCE.has(f)))
    .sort()
    .map((f) => path.join(dir, f));

/** Installs Debian packages the suites drive (Chromium for e2e, nginx for the cluster e2e) when missing. */
function ensurePackages(wanted) {
  const missing = wanted.filter(([, bin]) => !fs.existsSync(bin)).map(([pkg]) => pkg);
  if (missing.length === 0) return;
  console.log(`▶ installing Debian's ${missing.join(", ")} (apt-get)`);
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
  execFileSync("apt-get", ["install", "-y", "-qq", ...missing], { stdio: "inherit", env: { ...env, DEBIAN_FRONTEND: "noninteractive" } });
}

let ok = true;
const step = async (...a) => (ok = (await run(...a)) && ok);

if (flavors.length === 1) console.warn("\n!!! TEST_POSTGRES=0: the PostgreSQL pass is SKIPPED !!!\n");
if (wants("e2e"))
  ensurePackages([
    ["chromium", process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"],
    ["nginx", "/usr/sbin/nginx"],
  ]);
// Lint and typecheck are independent: side by side they take the time of the longer one.
await Promise.all([
  wants("lint") ? step("lint (eslint + prettier --check)", "npm", ["run", "-s", "lint"]) : null,
  step("typecheck", "npx", ["tsc", "--noEmit", "-p", "."]),
]);
if (process.env.SKIP_BUILD !== "1" && !(await run("build", "npm", ["run", "-s", "build"]))) {
  console.log("\nbuild failed; nothing else can run\n0 passed, 1 failed");
  process.exit(1);
}
if (flavors.includes("postgres") && wants("unit"))
  await step("schema drift (migrations vs prisma/schema.prisma)", "npx", [
    "tsx",
    "--require",
    "./scripts/preload.cjs",
    "scripts/db-migration.ts",
    "--check",
  ]);
// node:test over TypeScript, one file at a time (each integration file starts its own server).
const nodeTest = [
  "--require",
  "./scripts/preload.cjs",
  "--import",
  "tsx",
  "--test",
  "--test-reporter=tap",
  "--test-concurrency=1",
  "--test-timeout=300000",
];
for (const flavor of flavors) {
  const testEnv = { TEST_DB: flavor };
  if (wants("unit")) await step(`unit (${flavor})`, process.execPath, [...nodeTest, ...files("test/unit")], testEnv, nodeTestCount);
  if (wants("integration"))
    await step(
      `integration (${flavor})`,
      process.execPath,
      [...nodeTest, ...files("test/integration", { once: flavor === "sqlite" })],
      testEnv,
      nodeTestCount,
    );
}
// The chaos suite runs once, on PostgreSQL when there is one (its database outage needs it).
const chaosDb = flavors.includes("postgres") ? "postgres" : "sqlite";
if (wants("chaos")) {
  await step(`chaos (${chaosDb})`, process.execPath, [...nodeTest, ...files("test/chaos")], { TEST_DB: chaosDb }, nodeTestCount);
}
// Two real instances on PostgreSQL and the machine's Redis (each run under its own key prefix),
// side by side with the browser suite (SQLite, its own ports): neither waits for the other.
let cluster = null;
if (wants("cluster")) {
  if (!flavors.includes("postgres")) console.warn("\n!!! cluster suite SKIPPED: it needs PostgreSQL (TEST_POSTGRES=0) !!!\n");
  else {
    cluster = step(
      "cluster (2 instances, PostgreSQL + Redis)",
      process.execPath,
      [...nodeTest, ...files("test/cluster")],
      { TEST_DB: "postgres" },
      nodeTestCount,
    );
  }
}
if (wants("e2e")) await step("e2e (Playwright, Chromium)", "npx", ["playwright", "test"], { TEST_DB: "sqlite" }, playwrightCount);
await cluster;

console.log(`\n${timings.join("\n")}`);
console.log(`\n${totals.passed} passed, ${totals.failed} failed`);
process.exit(ok && totals.failed === 0 ? 0 : 1);
