#!/usr/bin/env node
// The one test command (`npm test`, also run by CI): lint and format check, typecheck, build,
// schema drift check, unit, integration and chaos suites on SQLite and on PostgreSQL, the
// two-instance cluster suite, then the Playwright e2e suite in Debian's Chromium. Prints a
// closing "N passed, N failed" line and per-step timings; exits non-zero on any failure.
//   TEST_POSTGRES=0   skip the PostgreSQL pass (say so loudly; CI never sets it)
//   TEST_ONLY=lint,unit,integration,chaos,cluster,e2e   run a subset (the build still runs unless SKIP_BUILD=1)
//
// Independent steps run side by side in lanes (the SQLite lane, ending with the browser suite,
// beside the PostgreSQL lane, ending with the cluster suite): every suite uses its own scratch databases, ports and Redis key
// prefix, and no test asserts wall-clock time, so sharing the cores changes how long a step
// takes, never whether it passes. Each step's output goes to test-results/logs/<step>.log and is
// printed whole when the step fails.
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
const logDir = path.join(root, "test-results", "logs");
fs.rmSync(logDir, { recursive: true, force: true });
fs.mkdirSync(logDir, { recursive: true });
const t0 = Date.now();
const clock = () => `${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s`;

function run(label, cmd, args, extraEnv = {}, count) {
  return new Promise((resolve) => {
    const started = Date.now();
    const file = path.join(logDir, `${label.replace(/[^\w.-]+/g, "_")}.log`);
    const log = fs.createWriteStream(file);
    console.log(`${clock()} ▶ ${label}`);
    const child = spawn(cmd, args, { env: { ...env, ...extraEnv }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      log.write(d);
    });
    child.stderr.on("data", (d) => log.write(d));
    child.on("exit", (code) => {
      log.end();
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      timings.push(`${label}: ${seconds}s`);
      const counted = count?.(out);
      if (counted) {
        totals.passed += counted.passed;
        totals.failed += counted.failed;
      }
      if (code !== 0 && !(counted && counted.failed > 0)) totals.failed += 1; // a crash counts as a failure
      const summary = counted ? ` (${counted.passed} passed, ${counted.failed} failed)` : "";
      console.log(`${clock()} ${code === 0 ? "✔" : "✘"} ${label}: ${seconds}s${summary}`);
      // CHAOS/BENCH report lines are the suites' measurements: always shown.
      for (const line of out.split("\n")) if (/^(# )?(CHAOS|CLUSTER|UPGRADE) /.test(line)) console.log(`    ${line.replace(/^# /, "")}`);
      if (code !== 0) {
        log.on("close", () => {
          console.log(`\n──── ${label} (exit ${code}) — ${path.relative(root, file)} ────`);
          console.log(fs.readFileSync(file, "utf8"));
          console.log(`──── end of ${label} ────\n`);
          resolve(false);
        });
      } else resolve(true);
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
// Files whose code path is the same on both databases (transports, route labels, headers, the
// sign-in throttle, the bench harness, pure unit logic) run in one lane only: the cores are the
// limit, and a second run would check nothing new. Each is given the lane that keeps the two
// lanes (SQLite then the browser suite, PostgreSQL then the cluster suite) about even.
const ONCE = new Map([
  ...[
    "integration/bench",
    "integration/client-sdk",
    "integration/headers",
    "integration/limits-docs",
    "integration/metrics-labels",
    "integration/metrics",
    "integration/monitoring",
    "integration/plain-websocket",
    "integration/sections",
    "integration/socket-commands",
    "integration/sockets",
    // Unit files that never open a database.
    ...["api-docs", "cache", "channel-connection", "client-address", "config", "connections", "dashboard-state"].map((f) => `unit/${f}`),
    ...["data-dir", "lease", "metrics-routes", "periods", "poll-source", "risk-view", "route-contracts", "snapshot-diff", "ws-frames"].map(
      (f) => `unit/${f}`,
    ),
  ].map((f) => [`test/${f}.test.ts`, "postgres"]),
  ...["dashboard-live", "limits", "not-found", "rest-errors", "sign-in"].map((f) => [`test/integration/${f}.test.ts`, "sqlite"]),
]);
/** The test files of `dir` that run in `flavor`'s lane. */
const files = (dir, flavor) =>
  fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".test.ts"))
    .sort()
    .map((f) => path.join(dir, f))
    .filter((f) => !ONCE.has(f) || ONCE.get(f) === flavor || !flavors.includes(ONCE.get(f)));

/**
 * Installs Debian packages the suites drive when missing: Chromium for e2e, nginx for the cluster
 * suite, Prometheus (promtool and the server) for the monitoring suite, systemd-analyze for the unit file.
 */
function ensurePackages(wanted) {
  const missing = wanted.filter(([, bin]) => !fs.existsSync(bin)).map(([pkg]) => pkg);
  if (missing.length === 0) return;
  console.log(`▶ installing Debian's ${missing.join(", ")} (apt-get)`);
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
  execFileSync("apt-get", ["install", "-y", "-qq", ...missing], { stdio: "inherit", env: { ...env, DEBIAN_FRONTEND: "noninteractive" } });
}

async function dropTemplates() {
  if (templates.sqlite) fs.rmSync(path.dirname(templates.sqlite.replace(/^file:/, "")), { recursive: true, force: true });
  if (!templates.postgres) return;
  const { default: pg } = await import("pg");
  const c = new pg.Client({ connectionString: process.env.TEST_PG_URL ?? "postgres://postgres@localhost:5432/test" });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS "${new URL(templates.postgres).pathname.slice(1)}" WITH (FORCE)`).finally(() => c.end());
}

let ok = true;
const step = async (...a) => (ok = (await run(...a)) && ok);

if (flavors.length === 1) console.warn("\n!!! TEST_POSTGRES=0: the PostgreSQL pass is SKIPPED !!!\n");
ensurePackages([
  ...(wants("e2e") ? [["chromium", process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"]] : []),
  ...(wants("e2e") || wants("cluster") ? [["nginx", "/usr/sbin/nginx"]] : []),
  ...(wants("integration") ? [["prometheus", "/usr/bin/prometheus"]] : []),
  ...(wants("unit") ? [["systemd", "/usr/bin/systemd-analyze"]] : []),
]);
// The generated Prisma client first (a no-op when its schema is unchanged): typecheck reads it.
if (!(await run("prisma client", process.execPath, ["scripts/db-generate.mjs"]))) process.exit(1);
// Lint, typecheck and build are independent; the build skips Next's own type check (tsc runs it).
const build =
  process.env.SKIP_BUILD === "1"
    ? Promise.resolve(true)
    : run("build", "npm", ["run", "-s", "build"], { RISKPULSE_BUILD_SKIP_TYPECHECK: "1" });
// Meanwhile, one migrated and seeded database per flavor, which every test server that would
// seed the demo data copies instead (test/support/template.ts).
const templates = {};
const makeTemplate = (flavor) =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, ["--require", "./scripts/preload.cjs", "--import", "tsx", "test/support/template.ts", flavor], {
      env,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("exit", (code) => {
      if (code === 0) templates[flavor] = out.trim().split("\n").pop();
      else console.warn(`!!! no ${flavor} template database (exit ${code}): test servers seed their own`);
      resolve();
    });
  });
// The suites need the build and the templates only; lint and typecheck finish beside them.
const checks = Promise.all([
  wants("lint") ? step("lint (eslint + prettier --check)", "npm", ["run", "-s", "lint"]) : null,
  step("typecheck", "npx", ["tsc", "--noEmit", "-p", "."]),
  // The OpenAPI / AsyncAPI schemas are generated from the types: stale ones fail here.
  step("api schemas fresh (scripts/api-schemas.mjs --check)", process.execPath, ["scripts/api-schemas.mjs", "--check"]),
]);
await Promise.all([build, ...flavors.map(makeTemplate)]);
if (templates.sqlite) env.TEST_TEMPLATE_SQLITE = templates.sqlite;
if (templates.postgres) env.TEST_TEMPLATE_PG = templates.postgres;
if (!(await build)) {
  await dropTemplates();
  console.log("\nbuild failed; nothing else can run\n0 passed, 1 failed");
  process.exit(1);
}
// node:test over TypeScript, one file at a time per lane (each integration file starts its own server).
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
/** One database's lane: its unit, integration and chaos suites, one after another. */
async function lane(flavor) {
  const testEnv = { TEST_DB: flavor };
  if (flavor === "postgres" && wants("unit"))
    await step("schema drift (migrations vs prisma/schema.prisma)", "npx", [
      "tsx",
      "--require",
      "./scripts/preload.cjs",
      "scripts/db-migration.ts",
      "--check",
    ]);
  if (wants("unit")) await step(`unit (${flavor})`, process.execPath, [...nodeTest, ...files("test/unit", flavor)], testEnv, nodeTestCount);
  // Integration files mostly wait on their own server (sockets, deadlines): two at a time per lane
  // keep the cores busy. Chaos suites stay one at a time: they restart servers under timed load.
  if (wants("integration")) {
    // Every JSON answer the suite gets is recorded (test/support/http.ts), then checked against
    // the OpenAPI document: its status documented, its body valid (test/contract/).
    const record = { RISKPULSE_HTTP_RECORD: path.join(root, "test-results", "http-record", flavor) };
    fs.rmSync(record.RISKPULSE_HTTP_RECORD, { recursive: true, force: true });
    await step(
      `integration (${flavor})`,
      process.execPath,
      [...nodeTest, `--test-concurrency=${process.env.TEST_FILES_AT_ONCE ?? 2}`, ...files("test/integration", flavor)],
      { ...testEnv, ...record },
      nodeTestCount,
    );
    await step(
      `contract: recorded answers vs the OpenAPI document (${flavor})`,
      process.execPath,
      [...nodeTest, ...files("test/contract", flavor)],
      { ...testEnv, ...record },
      nodeTestCount,
    );
  }
  if (wants("chaos"))
    await step(`chaos (${flavor})`, process.execPath, [...nodeTest, ...files("test/chaos", flavor)], testEnv, nodeTestCount);
}
// Each lane goes on with the suite that needs its database when its own suites are done: the
// browser suite (SQLite) after the SQLite lane, the two-instance cluster suite (PostgreSQL and
// the machine's Redis, under its own key prefix) after the PostgreSQL lane.
const e2e = () =>
  wants("e2e") ? step("e2e (Playwright, Chromium)", "npx", ["playwright", "test"], { TEST_DB: "sqlite" }, playwrightCount) : null;
const cluster = () =>
  wants("cluster")
    ? step(
        "cluster (2 instances, PostgreSQL + Redis)",
        process.execPath,
        [...nodeTest, ...files("test/cluster", "postgres")],
        { TEST_DB: "postgres" },
        nodeTestCount,
      )
    : null;
if (wants("cluster") && !flavors.includes("postgres"))
  console.warn("\n!!! cluster suite SKIPPED: it needs PostgreSQL (TEST_POSTGRES=0) !!!\n");
await Promise.all(
  flavors.map(async (flavor) => {
    await lane(flavor);
    await (flavor === "sqlite" ? e2e() : cluster());
  }),
);
await checks;
await dropTemplates();
console.log(`\n${timings.join("\n")}\ntotal: ${((Date.now() - t0) / 1000).toFixed(0)}s`);
console.log(`\n${totals.passed} passed, ${totals.failed} failed`);
process.exit(ok && totals.failed === 0 ? 0 : 1);
