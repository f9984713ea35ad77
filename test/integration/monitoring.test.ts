// The monitoring files under deploy/ work the first time: the rules pass `promtool check rules`
// and their unit tests (`promtool test rules`), a real Prometheus (Debian's, installed by
// `npm test`) started on loopback with the shipped scrape config scrapes a running RiskPulse with
// METRICS_TOKEN, evaluates every rule without an error and answers every Grafana query; and
// every metric the rules and the dashboard name is one /api/metrics serves.
import assert from "node:assert/strict";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import { freePort, startServer, type TestServer } from "../support/server";
import { until } from "../support/socket";

const run = promisify(execFile);
const DEPLOY = path.resolve("deploy");
const RULES = path.join(DEPLOY, "prometheus", "riskpulse-rules.yml");
const RULE_TESTS = path.join(DEPLOY, "prometheus", "riskpulse-rules.test.yml");
const SCRAPE_CONFIG = path.join(DEPLOY, "prometheus", "prometheus.yml");
const DASHBOARD = path.join(DEPLOY, "grafana", "riskpulse-dashboard.json");
const PROMTOOL = "/usr/bin/promtool";
const PROMETHEUS = "/usr/bin/prometheus";
const METRICS_TOKEN = "scrape-secret-monitoring-0123456789";
const MAX_CONNECTIONS = 321;

// Not a skip: a missing Prometheus would leave the shipped rules untested, so the suite fails.
const missing = [PROMTOOL, PROMETHEUS].filter((bin) => !fs.existsSync(bin));
assert.deepEqual(missing, [], `Debian's prometheus package is not installed (npm test installs it: apt-get install prometheus)`);

/** Metric names a PromQL expression reads: label values and matchers' strings left out. */
function metricNames(expr: string): string[] {
  const code = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  return [...code.matchAll(/\b(riskpulse[_:][a-zA-Z0-9_:]*)/g)].map((m) => m[1]!);
}

/** The series names /api/metrics announces (# TYPE), with a histogram's _bucket, _sum and _count. */
function servedNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name!);
    if (type === "histogram" || type === "summary") for (const s of ["_bucket", "_sum", "_count"]) names.add(name! + s);
  }
  return names;
}

interface PromRule {
  name: string;
  query: string;
  type: "recording" | "alerting";
  health: string;
  lastError?: string;
  lastEvaluation: string;
}

describe("monitoring (deploy/prometheus, deploy/grafana) on a real Prometheus", () => {
  let srv: TestServer;
  let prom: ChildProcess | undefined;
  let promUrl = "";
  let promLog = "";
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "riskpulse-prometheus-"));

  const query = async (q: string) => {
    const res = await fetch(`${promUrl}/api/v1/query?${new URLSearchParams({ query: q })}`);
    const body = (await res.json()) as {
      status: string;
      error?: string;
      data: { result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    return { http: res.status, ...body };
  };
  const valueOf = async (q: string) => (await query(q)).data?.result[0]?.value[1];

  before(async () => {
    srv = await startServer({ env: { METRICS_TOKEN, MAX_CONNECTIONS: String(MAX_CONNECTIONS) } });
    // The shipped config with what differs on this machine: the target, the token file, where the
    // rules are, and a 1 s interval so the first scrape and evaluations come at once.
    fs.writeFileSync(path.join(dir, "token"), METRICS_TOKEN, { mode: 0o600 });
    let config = fs.readFileSync(SCRAPE_CONFIG, "utf8");
    for (const [from, to] of [
      ["localhost:3000", `127.0.0.1:${srv.port}`],
      ["/etc/prometheus/riskpulse-metrics-token", path.join(dir, "token")],
      ["- riskpulse-rules.yml", `- ${RULES}`],
      ["scrape_interval: 15s", "scrape_interval: 1s"],
      ["evaluation_interval: 30s", "evaluation_interval: 1s"],
    ]) {
      assert.ok(config.includes(from!), `deploy/prometheus/prometheus.yml no longer has ${from}`);
      config = config.replaceAll(from!, to!);
    }
    fs.writeFileSync(path.join(dir, "prometheus.yml"), config);
    await run(PROMTOOL, ["check", "config", path.join(dir, "prometheus.yml")]);
    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    prom = spawn(
      PROMETHEUS,
      [
        `--config.file=${path.join(dir, "prometheus.yml")}`,
        `--storage.tsdb.path=${path.join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    prom.stdout!.on("data", (d) => (promLog += d));
    prom.stderr!.on("data", (d) => (promLog += d));
    await until(
      async () => {
        assert.equal(prom!.exitCode, null, `prometheus exited:\n${promLog}`);
        return (await fetch(`${promUrl}/-/ready`).catch(() => null))?.ok ?? false;
      },
      30_000,
      "prometheus ready",
    ).catch((err) => {
      throw new Error(`${(err as Error).message}\n${promLog}`);
    });
  });
  after(async () => {
    if (prom && prom.exitCode === null) {
      prom.kill("SIGTERM");
      await new Promise((r) => prom!.once("exit", r));
    }
    fs.rmSync(dir, { recursive: true, force: true });
    await srv?.stop();
  });

  it("the rules pass promtool check rules and their unit tests", async () => {
    const check = await run(PROMTOOL, ["check", "rules", RULES]);
    assert.match(check.stdout, /SUCCESS: \d+ rules found/);
    // promtool exits non-zero on a failed expectation; execFile turns that into a rejection.
    const tests = await run(PROMTOOL, ["test", "rules", RULE_TESTS]);
    assert.match(tests.stdout, /SUCCESS/);
    // Every alert has a test of its own.
    const alerts = [...fs.readFileSync(RULES, "utf8").matchAll(/^\s*- alert: (\S+)/gm)].map((m) => m[1]!);
    const tested = new Set([...fs.readFileSync(RULE_TESTS, "utf8").matchAll(/alertname: (\S+)/g)].map((m) => m[1]!));
    assert.deepEqual(
      alerts.filter((a) => !tested.has(a)),
      [],
      "alerts without a promtool test",
    );
  });

  it("scrapes RiskPulse with METRICS_TOKEN and answers a query for its metrics", async () => {
    await until(async () => (await valueOf('up{job="riskpulse"}')) === "1", 30_000, "the RiskPulse target is up");
    // This server's own figures: the cap it was started with, ready, and leading (one instance).
    assert.equal(await valueOf('riskpulse_max_connections{job="riskpulse"}'), String(MAX_CONNECTIONS));
    assert.equal(await valueOf('riskpulse_ready{job="riskpulse"}'), "1");
    assert.equal(await valueOf('riskpulse_leader{job="riskpulse"}'), "1");
    assert.equal(await valueOf('riskpulse_leader_elections_total{job="riskpulse"}'), "1");
  });

  it("loads and evaluates every rule without an error; no alert fires on a healthy server", async () => {
    const shipped = [...fs.readFileSync(RULES, "utf8").matchAll(/^\s*- (record|alert): (\S+)/gm)].map((m) => m[2]!);
    let rules: PromRule[] = [];
    await until(
      async () => {
        const res = await fetch(`${promUrl}/api/v1/rules`);
        const body = (await res.json()) as { data: { groups: { rules: PromRule[] }[] } };
        rules = body.data.groups.flatMap((g) => g.rules);
        return rules.length === shipped.length && rules.every((r) => !r.lastEvaluation.startsWith("0001-"));
      },
      30_000,
      "every rule evaluated once",
    );
    assert.deepEqual(rules.map((r) => r.name).sort(), [...shipped].sort());
    assert.deepEqual(
      rules.filter((r) => r.health !== "ok").map((r) => `${r.name}: ${r.lastError}`),
      [],
    );
    const firing = await query("ALERTS");
    assert.deepEqual(
      firing.data.result.map((r) => r.metric.alertname),
      [],
    );
  });

  it("answers every query of the Grafana dashboard", async () => {
    const dashboard = JSON.parse(fs.readFileSync(DASHBOARD, "utf8")) as { panels: { title: string; targets: { expr: string }[] }[] };
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => ({ panel: p.title, expr: t.expr })));
    assert.ok(exprs.length > 10);
    const failed: string[] = [];
    for (const { panel, expr } of exprs) {
      // Grafana's variables, as Grafana fills them in with "All" selected.
      const q = expr.replaceAll("$instance", ".*").replaceAll("$__rate_interval", "1m");
      const res = await query(q);
      if (res.http !== 200 || res.status !== "success") failed.push(`${panel}: ${q} → ${res.error}`);
    }
    assert.deepEqual(failed, []);
  });

  it("every metric the rules and the dashboard name is served by /api/metrics", async () => {
    const res = await fetch(`${srv.url}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    assert.equal(res.status, 200);
    const served = servedNames(await res.text());
    const rulesText = fs.readFileSync(RULES, "utf8");
    const recorded = new Set([...rulesText.matchAll(/^\s*- record: (\S+)/gm)].map((m) => m[1]!));
    const exprs = [
      ...[...rulesText.matchAll(/^\s*expr: (.+)$/gm)].map((m) => ({ where: "rules", expr: m[1]! })),
      ...(JSON.parse(fs.readFileSync(DASHBOARD, "utf8")) as { panels: { title: string; targets: { expr: string }[] }[] }).panels.flatMap(
        (p) => p.targets.map((t) => ({ where: `dashboard "${p.title}"`, expr: t.expr })),
      ),
    ];
    const named = exprs.flatMap(({ where, expr }) => metricNames(expr).map((name) => ({ where, name })));
    assert.ok(named.length > 20);
    assert.deepEqual(
      named.filter(({ name }) => !served.has(name) && !recorded.has(name)).map(({ where, name }) => `${where}: ${name}`),
      [],
      "metrics that /api/metrics does not serve",
    );
    // The dashboard stands on its own: it reads only what the app serves, never a recording rule.
    assert.deepEqual(
      named.filter(({ where, name }) => where.startsWith("dashboard") && recorded.has(name)),
      [],
    );
  });
});
