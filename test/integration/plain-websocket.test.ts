// The plain WebSocket endpoints, driven by a raw `ws` client that sends the original clients'
// own messages and checks the answers field by field: /api/v1/ws/dashboard ({"action":"refresh"},
// {"action":"ping"}) and /ws/admin/quotas (stats, violation, alert, ping with client_id).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import WebSocket from "ws";
import { createDb } from "../../lib/db/client";
import { startServer, type TestServer } from "../support/server";
import { ADMIN, ANALYST, call, login } from "../support/http";
import { plainWs, type Frame } from "../support/plain-ws";
import { until } from "../support/socket";

describe("plain WebSocket endpoints (the original clients' protocols)", () => {
  let srv: TestServer;
  let token: string;
  let ws: (path: string) => string;
  before(async () => {
    srv = await startServer({
      env: { ENABLE_TEST_ENDPOINTS: "1", REFRESH_RATE_LIMIT: "3", REFRESH_RATE_WINDOW_MS: "60000", DASHBOARD_COALESCE_MS: "20" },
    });
    const cookie = await login(srv.url, ADMIN);
    token = (await call(srv.url, { cookie }, "POST", "/api/v1/tokens", { name: "plain ws" })).body.token;
    ws = (path) => `${srv.url.replace("http", "ws")}${path}`;
  });
  after(() => srv?.stop());

  it("dashboard: `new WebSocket(…/api/v1/ws/dashboard?token=…)` gets dashboard_update with the original fields", async () => {
    const c = plainWs(ws(`/api/v1/ws/dashboard?token=${token}`));
    await c.opened();
    const first = await c.next("dashboard_update");
    assert.equal(first.type, "dashboard_update");
    const data = first.data!;
    for (const k of ["metrics", "risk_trends", "severity_distribution", "mitigation_status", "top_risks", "mitigation_progress"])
      assert.ok(k in data, k);
    const m = data.metrics as Record<string, unknown>;
    for (const k of [
      "total_risks",
      "critical_risks",
      "high_risks",
      "medium_risks",
      "low_risks",
      "average_risk_score",
      "trending_up_percent",
      "mitigation_rate",
    ])
      assert.equal(typeof m[k], "number", k);
    const top = (data.top_risks as Record<string, unknown>[])[0]!;
    for (const k of ["id", "title", "severity", "likelihood", "impact", "days_open"]) assert.ok(k in top, `top_risks[].${k}`);
    const mit = (data.mitigation_progress as Record<string, unknown>[])[0]!;
    for (const k of ["id", "title", "status", "completion_percent", "days_remaining"]) assert.ok(k in mit, `mitigation_progress[].${k}`);
    assert.ok(typeof first.id === "string" && typeof first.timestamp === "string", "extra fields: id, timestamp");
    c.ws.close();
  });

  it('dashboard: {"action":"ping"} → {"type":"pong"}; {"action":"refresh"} → dashboard_update, rate-limited with {"type":"error","error":…}', async () => {
    const c = plainWs(ws("/api/v1/ws/dashboard"), { headers: { authorization: `Bearer ${token}` } });
    await c.opened();
    await c.next("dashboard_update");
    let from = c.frames.length;
    c.send({ action: "ping" });
    assert.equal((await c.next("pong", from)).type, "pong");
    for (let i = 0; i < 3; i++) {
      from = c.frames.length;
      c.send({ action: "refresh" });
      await c.next("dashboard_update", from);
    }
    from = c.frames.length;
    c.send({ action: "refresh" });
    const err = await c.next("error", from);
    assert.equal(typeof err.error, "string");
    assert.match(err.error as string, /refresh rate limit/);
    assert.equal(c.closed(), null, "limited, not disconnected");
    c.ws.close();
  });

  it("dashboard: pushes dashboard_patch when a risk changes, and answers bad input with an error", async () => {
    const c = plainWs(ws(`/api/v1/ws/dashboard?token=${token}`));
    await c.opened();
    await c.next("dashboard_update");
    let from = c.frames.length;
    await call(srv.url, { token }, "POST", "/api/v1/risks", {
      title: "Seen over a plain WebSocket",
      severity: "critical",
      likelihood: 1,
      impact: 1,
    });
    const p = await c.next("dashboard_patch", from);
    assert.ok(JSON.stringify(p.data).includes("Seen over a plain WebSocket"));
    from = c.frames.length;
    c.ws.send("this is not json");
    assert.match((await c.next("error", from)).error as string, /expected \{"action":"refresh"\}/);
    from = c.frames.length;
    c.send({ action: "drop_tables" });
    assert.match((await c.next("error", from)).error as string, /unknown action/);
    c.ws.close();
  });

  it("dashboard: ?last_event_id= replays what was missed, as SSE does", async () => {
    const c = plainWs(ws(`/api/v1/ws/dashboard?token=${token}`));
    await c.opened();
    const seen = await c.next("dashboard_update");
    c.ws.close();
    await call(srv.url, { token }, "POST", "/api/ws/test-broadcast", { channel: "dashboard", data: { n: 1 } });
    await call(srv.url, { token }, "POST", "/api/ws/test-broadcast", { channel: "dashboard", data: { n: 2 } });
    const back = plainWs(ws(`/api/v1/ws/dashboard?token=${token}&last_event_id=${encodeURIComponent(seen.id as string)}`));
    await back.opened();
    await until(() => back.frames.filter((f) => f.type === "test").length === 2);
    assert.deepEqual(
      back.frames.filter((f) => f.type === "test").map((f) => f.data!.n),
      [1, 2],
    );
    assert.equal(
      back.frames.some((f) => f.type === "dashboard_update"),
      false,
      "a replay, not a snapshot",
    );
    back.ws.close();
  });

  it("quotas: /ws/admin/quotas sends stats, violation and alert with timestamp, data and client_id, as the original console expects", async () => {
    const db = createDb(srv.databaseUrl);
    try {
      const c = plainWs(ws(`/ws/admin/quotas?token=${token}`));
      await c.opened();
      const stats = await c.next("stats");
      for (const k of ["type", "timestamp", "data", "client_id"]) assert.ok(k in stats, k);
      const s = stats.data!;
      assert.equal(s.total_users, await db.user.count());
      for (const k of ["commands_today", "average_throttle_factor", "violations_today", "high_utilization_count"])
        assert.equal(typeof s[k], "number", k);
      assert.deepEqual(Object.keys(s.system_load as object).sort(), ["cpu_percent", "memory_percent"]);
      // A real violation: a quota of 0 refuses the admin's own command.
      const me = (await call(srv.url, { token }, "GET", "/api/v1/me")).body as { id: number; name: string };
      const quota = { user_id: me.id, command_type: "review", period: "hourly", limit: 0 };
      assert.equal((await call(srv.url, { token }, "PUT", "/api/v1/quotas", quota)).status, 200);
      const from = c.frames.length;
      const refusals = [];
      // Three violations in a day raise the warning alert (the default ALERT_RULES).
      for (let i = 0; i < 3; i++) {
        const r = await call(srv.url, { token }, "POST", "/api/v1/commands", { command_type: "review" });
        assert.equal(r.status, 429);
        refusals.push(r.body.violation as Record<string, unknown>);
      }
      await until(() => c.frames.slice(from).filter((f) => f.type === "violation").length === 3, 10_000, "three violation frames");
      const violations = c.frames.slice(from).filter((f) => f.type === "violation");
      for (const v of violations) assert.equal(v.client_id, stats.client_id, "the same client_id on every message of a connection");
      const rows = await db.violation.findMany({ where: { userId: me.id, commandType: "review" }, orderBy: { id: "asc" } });
      const expected = rows.map((row) => ({
        id: row.id,
        user_id: me.id,
        username: me.name,
        command_type: "review",
        period: "hourly",
        limit: 0,
        attempted: 1,
        message: "User exceeded hourly review quota",
        created_at: row.createdAt.toISOString(),
      }));
      assert.equal(rows.length, 3);
      assert.deepEqual(
        violations.map((v) => v.data),
        expected,
        "the stored violations, in order",
      );
      assert.deepEqual(refusals, expected, "what the 429s said");
      const alert = await db.alert.findFirstOrThrow({ where: { userId: me.id }, orderBy: { id: "desc" } });
      let a: Frame | undefined;
      await until(() => !!(a = c.frames.find((f) => f.type === "alert" && f.data!.alert_id === alert.id)), 10_000, "the alert frame");
      assert.deepEqual(a!.data, {
        alert_id: alert.id,
        alert_type: "quota_violation",
        severity: "warning",
        user_id: me.id,
        rule_id: alert.ruleId,
        username: me.name,
        message: `Warning: ${alert.violationCount} quota violations in a day`,
        violation_count: alert.violationCount,
        action_needed: true,
        created_at: alert.createdAt.toISOString(),
        acknowledged_at: null,
        acknowledged_by: null,
        acknowledged_by_name: null,
      });
      assert.equal(a!.client_id, stats.client_id);
      assert.ok(!Number.isNaN(Date.parse(a!.timestamp as string)));
      c.ws.close();
    } finally {
      await db.$disconnect();
    }
  });

  it("quotas: admins only; refusals are told in-band, then the socket closes with 4000 + status", async () => {
    const analyst = await login(srv.url, ANALYST);
    const c = plainWs(ws("/ws/admin/quotas"), { headers: { cookie: analyst } });
    await c.opened();
    const err = await c.next("error");
    assert.match(err.error as string, /for admins only/);
    await until(() => c.closed() !== null);
    assert.equal(c.closed()!.code, 4403);
    const anon = plainWs(ws("/api/v1/ws/dashboard"));
    await anon.opened();
    assert.equal((await anon.next("error")).code, "unauthorized");
    await until(() => anon.closed() !== null);
    assert.equal(anon.closed()!.code, 4401);
    const foreign = plainWs(ws("/api/v1/ws/dashboard"), { headers: { cookie: analyst, origin: "https://evil.example" } });
    await foreign.opened();
    assert.equal((await foreign.next("error")).code, "cross_origin");
  });

  it("a plain GET of a WebSocket path says so (426), and other upgrades are left alone", async () => {
    const r = await fetch(`${srv.url}/api/v1/ws/dashboard`);
    assert.equal(r.status, 426);
    const other = new WebSocket(ws("/not-a-socket"));
    const outcome = await new Promise<string>((resolve) => {
      other.once("open", () => resolve("open"));
      other.once("error", (e) => resolve(`error: ${e.message}`));
      other.once("unexpected-response", (_req, res) => resolve(`refused ${res.statusCode}`));
      setTimeout(() => resolve("no answer"), 15_000);
    });
    assert.equal(outcome, "refused 404", "refused at once, not left hanging");
    other.terminate();
  });
});
