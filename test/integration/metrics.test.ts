// GET /api/metrics as Prometheus scrapes it: METRICS_TOKEN or an admin only, every line valid
// text exposition format, and the counters move when traffic flows.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startServer, type TestServer } from "../support/server";
import { ADMIN, ANALYST, call, login } from "../support/http";
import { record, until } from "../support/socket";

const METRICS_TOKEN = "scrape-secret-0123456789abcdef";

type Samples = Map<string, number>; // `name{a="x",b="y"}` (labels sorted) → value

/**
 * Parses the text format strictly: each sample belongs to a family announced by # TYPE. NaN and
 * Inf are matched case-insensitively, as Prometheus does (prom-client writes an empty event-loop
 * histogram's mean as "Nan").
 */
function parseExposition(text: string): { types: Map<string, string>; samples: Samples } {
  const types = new Map<string, string>();
  const samples: Samples = new Map();
  const family = (name: string) => name.replace(/_(bucket|sum|count|total|created)$/, "");
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (meta) {
      if (meta[1] === "TYPE") {
        assert.match(meta[3]!, /^(counter|gauge|histogram|summary|untyped)$/, line);
        types.set(meta[2]!, meta[3]!);
      }
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+|nan|[+-]inf)$/i.exec(line);
    assert.ok(m, `not a valid sample line: ${JSON.stringify(line)}`);
    const [, name, rawLabels = "", value] = m;
    assert.ok(types.has(name!) || types.has(family(name!)), `sample ${name} has no # TYPE`);
    const labels = [...rawLabels.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((l) => `${l[1]}="${l[2]}"`).sort();
    samples.set(`${name}{${labels.join(",")}}`, Number(value));
  }
  return { types, samples };
}

describe("metrics", () => {
  let srv: TestServer;
  let admin: { cookie: string };
  let token: string;
  const scrape = async () => {
    const res = await fetch(`${srv.url}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    return parseExposition(await res.text());
  };
  const value = (s: Samples, key: string) => s.get(key) ?? 0;

  before(async () => {
    srv = await startServer({ env: { METRICS_TOKEN } });
    admin = { cookie: await login(srv.url, ADMIN) };
    token = (await call(srv.url, admin, "POST", "/api/v1/tokens", { name: "metrics" })).body.token;
  });
  after(() => srv?.stop());

  it("answers only the scrape token or an admin", async () => {
    const anon = await fetch(`${srv.url}/api/metrics`);
    assert.equal(anon.status, 401);
    assert.match(anon.headers.get("www-authenticate") ?? "", /^Bearer/);
    const wrong = await fetch(`${srv.url}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}x` } });
    assert.equal(wrong.status, 401);
    const analyst = await call(srv.url, { cookie: await login(srv.url, ANALYST) }, "GET", "/api/metrics");
    assert.equal(analyst.status, 403);
    const byAdmin = await call(srv.url, admin, "GET", "/api/metrics");
    assert.equal(byAdmin.status, 200);
  });

  it("scrapes cleanly with the process metrics and every RiskPulse family", async () => {
    const { types } = await scrape();
    for (const [name, type] of [
      ["riskpulse_process_resident_memory_bytes", "gauge"],
      ["riskpulse_nodejs_eventloop_lag_seconds", "gauge"],
      ["riskpulse_http_request_duration_seconds", "histogram"],
      ["riskpulse_broadcasts_total", "counter"],
      ["riskpulse_fanout_seconds", "histogram"],
      ["riskpulse_dashboard_recompute_seconds", "histogram"],
      ["riskpulse_commands_total", "counter"],
      ["riskpulse_live_clients", "gauge"],
      ["riskpulse_sse_streams", "gauge"],
      ["riskpulse_slow_client_evictions_total", "counter"],
      ["riskpulse_db_errors_total", "counter"],
      ["riskpulse_ready", "gauge"],
      ["riskpulse_leader", "gauge"],
      ["riskpulse_leader_elections_total", "counter"],
      ["riskpulse_max_connections", "gauge"],
    ])
      assert.equal(types.get(name!), type, name);
  });

  it("moves when clients connect, commands run and changes are pushed", async () => {
    const before = (await scrape()).samples;
    const dashboard = await record(`${srv.url}/dashboard`, token);
    try {
      await dashboard.next("dashboard_update", { from: 0 });
      await call(srv.url, admin, "PUT", "/api/v1/quotas", { command_type: "metrics-probe", period: "hourly", limit: 2 });
      const results = [];
      for (let i = 0; i < 3; i++)
        results.push((await call(srv.url, { token }, "POST", "/api/v1/commands", { command_type: "metrics-probe" })).status);
      assert.deepEqual(results, [200, 200, 429]);
      const patch = dashboard.next("dashboard_patch");
      const risk = await call(srv.url, admin, "POST", "/api/v1/risks", { title: "Metered", severity: "low", likelihood: 0.2, impact: 0.3 });
      assert.equal(risk.status, 201);
      await patch;

      let now = (await scrape()).samples;
      await until(
        async () => {
          now = (await scrape()).samples;
          return (
            value(now, 'riskpulse_broadcasts_total{channel="dashboard",type="dashboard_patch"}') >
            value(before, 'riskpulse_broadcasts_total{channel="dashboard",type="dashboard_patch"}')
          );
        },
        3000,
        "a dashboard_patch broadcast counted",
      );
      const delta = (key: string) => value(now, key) - value(before, key);
      assert.equal(delta('riskpulse_commands_total{result="allowed"}'), 2);
      assert.equal(delta('riskpulse_commands_total{result="refused"}'), 1);
      assert.equal(value(now, 'riskpulse_live_clients{channel="dashboard",transport="socket.io"}'), 1);
      assert.ok(delta('riskpulse_fanout_seconds_count{channel="dashboard"}') >= 1);
      assert.ok(
        delta('riskpulse_dashboard_recompute_seconds_count{kind="incremental"}') +
          delta('riskpulse_dashboard_recompute_seconds_count{kind="full"}') >=
          1,
      );
      assert.equal(delta('riskpulse_http_request_duration_seconds_count{method="POST",route="/api/v1/commands",status="200"}'), 2);
      assert.equal(delta('riskpulse_http_request_duration_seconds_count{method="POST",route="/api/v1/commands",status="429"}'), 1);
    } finally {
      dashboard.close();
    }
    await until(
      async () => value((await scrape()).samples, 'riskpulse_live_clients{channel="dashboard",transport="socket.io"}') === 0,
      3000,
      "gauge back to 0",
    );
  });
});
