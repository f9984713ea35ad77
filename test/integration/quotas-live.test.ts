// The quota console through the running server: commands over HTTP, the /admin/quotas
// namespace, admin-only routes, the connection limit and slow clients.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { io } from "socket.io-client";
import { startServer, type TestServer } from "../support/server";
import { ADMIN, ANALYST, call, login } from "../support/http";
import { record, until } from "../support/socket";
import { stalledClient } from "../support/stalled-client";
import { flavor } from "../support/flavor";

describe("quota console", () => {
  let srv: TestServer;
  let admin: { cookie: string }, analyst: { cookie: string }, token: string, analystId: number;
  const quotas = () => `${srv.url}/admin/quotas`;

  before(async () => {
    srv = await startServer({ env: { MAX_CONNECTIONS: "4", ENABLE_TEST_ENDPOINTS: "1", SLOW_CLIENT_MAX_QUEUE: "20" } });
    admin = { cookie: await login(srv.url, ADMIN) };
    analyst = { cookie: await login(srv.url, ANALYST) };
    token = (await call(srv.url, admin, "POST", "/api/v1/tokens", { name: "quota tests" })).body.token;
    analystId = (await call(srv.url, analyst, "GET", "/api/v1/me")).body.id;
  });
  after(() => srv?.stop());

  it("allows exactly the limit of 200 concurrent commands: 50 × 200 and 150 × 429 with their violations", async () => {
    await call(srv.url, admin, "PUT", "/api/v1/quotas", { user_id: analystId, command_type: "burst", period: "hourly", limit: 50 });
    const answers = await Promise.all(
      Array.from({ length: 200 }, () => call(srv.url, analyst, "POST", "/api/v1/commands", { command_type: "burst" })),
    );
    const statuses: Record<number, number> = {};
    for (const a of answers) statuses[a.status] = (statuses[a.status] ?? 0) + 1;
    assert.deepEqual(statuses, { 200: 50, 429: 150 }, "answers by status");
    const refused = answers.filter((a) => a.status === 429);
    const first = refused[0]!;
    assert.deepEqual(Object.keys(first.body).sort(), ["allowed", "command_type", "remaining", "throttle_factor", "violation"]);
    assert.deepEqual([first.body.allowed, first.body.remaining.hourly, first.body.throttle_factor], [false, 0, 0]);
    const v = await call(srv.url, admin, "GET", `/api/v1/violations?user_id=${analystId}&command_type=burst&page_size=1`);
    assert.equal(v.body.total, 150);
  });

  it("validates commands and lets only admins act for someone else", async () => {
    const bad = await call(srv.url, analyst, "POST", "/api/v1/commands", { command_type: "Rm -rf" });
    assert.deepEqual([bad.status, bad.body.details[0].field], [400, "command_type"]);
    assert.equal((await call(srv.url, analyst, "POST", "/api/v1/commands", { command_type: "shell", user_id: 1 })).status, 403);
    assert.equal((await call(srv.url, admin, "POST", "/api/v1/commands", { command_type: "shell", user_id: 999999 })).status, 404);
    assert.equal((await call(srv.url, admin, "POST", "/api/v1/commands", { command_type: "shell", user_id: analystId })).status, 200);
    const q = await call(srv.url, admin, "PUT", "/api/v1/quotas", { command_type: "shell", period: "yearly", limit: -1 });
    assert.deepEqual(q.body.details.map((d: { field: string }) => d.field).sort(), ["limit", "period"]);
  });

  it("keeps non-admins out of every admin route and the namespace", async () => {
    const routes: [string, string, unknown?][] = [
      ["GET", "/api/v1/quotas"],
      ["PUT", "/api/v1/quotas", { command_type: "x", period: "daily", limit: 1 }],
      ["DELETE", "/api/v1/quotas/1"],
      ["GET", "/api/v1/quotas/usage"],
      ["GET", "/api/v1/quotas/stats"],
      ["GET", "/api/v1/violations"],
      ["GET", "/api/v1/alerts"],
      ["POST", "/api/v1/alerts/1/ack"],
      ["GET", "/api/v1/alert-rules"],
      ["POST", "/api/v1/alert-rules", { kind: "utilization", percent: 50, severity: "warning" }],
      ["PATCH", "/api/v1/alert-rules/1", { enabled: false }],
      ["DELETE", "/api/v1/alert-rules/1"],
      ["POST", "/api/ws/test-broadcast", {}],
      ["POST", "/api/ws/test-violation"],
      ["POST", "/api/ws/test-alert"],
    ];
    for (const [method, path, payload] of routes) {
      assert.equal((await call(srv.url, analyst, method, path, payload)).status, 403, `${method} ${path}`);
      assert.equal((await call(srv.url, null, method, path, payload)).status, 401, `${method} ${path} anonymous`);
    }
    await assert.rejects(record(quotas(), ""), /unauthorized/);
    const s = io(quotas(), { extraHeaders: { cookie: analyst.cookie }, transports: ["websocket"], forceNew: true, reconnection: false });
    const err = await new Promise<Error & { data?: { code: string; status: number } }>((r) => s.once("connect_error", r));
    assert.deepEqual(
      [err.message, err.data?.code, err.data?.status],
      ["forbidden: the /admin/quotas channel is for admins only", "forbidden", 403],
    );
    s.close();
  });

  it("pushes the violation and the alert to admins as they happen, and the acknowledgement too", async () => {
    // The admin's own commands: the analyst's alert rules already fired in the burst test.
    const adminId = (await call(srv.url, admin, "GET", "/api/v1/me")).body.id;
    const c = await record(quotas(), token);
    await c.next("stats", { from: 0 });
    await call(srv.url, admin, "PUT", "/api/v1/quotas", { user_id: adminId, command_type: "deploy", period: "daily", limit: 0 });
    for (let i = 0; i < 3; i++) {
      const from = c.messages.length;
      const r = await call(srv.url, admin, "POST", "/api/v1/commands", { command_type: "deploy" });
      assert.equal(r.status, 429);
      // How fast is the benchmark's business; here: each violation is pushed, before the next command.
      const v = await c.next("violation", { from, timeoutMs: 10_000 });
      assert.deepEqual(v.data, r.body.violation);
    }
    const alert = await c.next("alert", { timeoutMs: 10_000, from: 0 });
    const a = alert.data as { alert_id: number; severity: string; user_id: number; action_needed: boolean };
    assert.deepEqual([a.severity, a.user_id, a.action_needed], ["warning", adminId, true]);
    const from = c.messages.length;
    const acked = await call(srv.url, admin, "POST", `/api/v1/alerts/${a.alert_id}/ack`);
    assert.equal(acked.status, 200);
    assert.ok(acked.body.acknowledged_at);
    const pushed = await c.next("alert", { from });
    assert.equal((pushed.data as { acknowledged_at: string | null }).acknowledged_at, acked.body.acknowledged_at);
    assert.equal(
      (await call(srv.url, admin, "GET", "/api/v1/alerts?status=open")).body.items.some(
        (x: { alert_id: number }) => x.alert_id === a.alert_id,
      ),
      false,
    );
    assert.equal((await call(srv.url, admin, "POST", "/api/v1/alerts/999999/ack")).status, 404);
    c.close();
  });

  it("publishes quota_change when an admin sets a quota", async () => {
    const c = await record(quotas(), token);
    const from = c.messages.length;
    await call(srv.url, admin, "PUT", "/api/v1/quotas", { command_type: "lint", period: "weekly", limit: 77 });
    const m = await c.next("quota_change", { from });
    assert.deepEqual([(m.data as { limit: number }).limit, (m.data as { change: string }).change], [77, "created"]);
    c.close();
  });

  it("keeps alert rules as data: seeded from ALERT_RULES, edited by admins (audited), a utilisation rule fires on the stats tick", async () => {
    const seeded = await call(srv.url, admin, "GET", "/api/v1/alert-rules");
    assert.deepEqual(
      seeded.body.items.map((r: { kind: string; count: number; severity: string }) => [r.kind, r.count, r.severity]),
      [
        ["violations", 3, "warning"],
        ["violations", 5, "critical"],
      ],
    );
    const bad = await call(srv.url, admin, "POST", "/api/v1/alert-rules", { kind: "utilization", percent: 150, severity: "loud" });
    assert.deepEqual([bad.status, bad.body.details.map((d: { field: string }) => d.field).sort()], [400, ["percent", "severity"]]);
    const nobody = await call(srv.url, admin, "POST", "/api/v1/alert-rules", {
      kind: "utilization",
      percent: 50,
      severity: "warning",
      user_id: 999999,
    });
    assert.deepEqual([nobody.status, nobody.body.details[0].field], [400, "user_id"]);

    const c = await record(quotas(), token);
    const from = c.messages.length;
    // The analyst used all 50 of the hourly burst quota in the first test.
    const made = await call(srv.url, admin, "POST", "/api/v1/alert-rules", {
      kind: "utilization",
      percent: 90,
      severity: "critical",
      user_id: analystId,
    });
    assert.equal(made.status, 201);
    const rule = made.body as { id: number; cooldown_minutes: number; enabled: boolean };
    assert.deepEqual([rule.cooldown_minutes, rule.enabled], [60, true]);
    let fired: { rule_id: number; alert_type: string; user_id: number; severity: string } | undefined;
    await until(
      () => {
        fired = c.messages.slice(from).find((m) => m.type === "alert" && (m.data as { rule_id?: number }).rule_id === rule.id)
          ?.data as typeof fired;
        return fired !== undefined;
      },
      30_000,
      "the rule's alert on the stats tick",
    );
    assert.deepEqual([fired?.alert_type, fired?.user_id, fired?.severity], ["high_utilization", analystId, "critical"]);

    const off = await call(srv.url, admin, "PATCH", `/api/v1/alert-rules/${rule.id}`, { enabled: false, percent: 95 });
    assert.deepEqual([off.status, off.body.enabled, off.body.percent], [200, false, 95]);
    assert.equal((await call(srv.url, admin, "PATCH", `/api/v1/alert-rules/${rule.id}`, { percent: 0 })).status, 400);
    assert.equal((await call(srv.url, admin, "PATCH", "/api/v1/alert-rules/999999", { enabled: true })).status, 404);
    assert.equal((await call(srv.url, admin, "DELETE", `/api/v1/alert-rules/${rule.id}`)).status, 204);
    assert.equal((await call(srv.url, admin, "DELETE", `/api/v1/alert-rules/${rule.id}`)).status, 404);
    const trail = await call(srv.url, admin, "GET", `/api/v1/audit?entity=alert_rule&entity_id=${rule.id}`);
    assert.deepEqual(trail.body.items.map((e: { action: string }) => e.action).sort(), ["created", "deleted", "updated"]);
    c.close();
  });

  it("refuses the client past MAX_CONNECTIONS with a clear error instead of a hang", async () => {
    const held = await Promise.all(Array.from({ length: 4 }, () => record(quotas(), token)));
    const s = io(quotas(), { auth: { token }, transports: ["websocket"], forceNew: true, reconnection: false });
    const err = await new Promise<Error & { data?: { code: string; status: number } }>((r) => s.once("connect_error", r));
    assert.deepEqual([err.data?.code, err.data?.status], ["capacity", 503]);
    assert.match(err.message, /too many connections: this instance serves at most 4/);
    s.close();
    held.forEach((c) => c.close());
    await until(
      async () => (await call(srv.url, admin, "GET", "/api/ws/health")).body.clients["/admin/quotas"] === 0,
      10_000,
      "the held clients gone",
    );
    const again = await record(quotas(), token); // room again
    again.close();
  });

  it("disconnects a client that stops reading, without holding up anyone else", async () => {
    const fast = await record(quotas(), token);
    const slow = await stalledClient(srv.port, "/admin/quotas", token);
    assert.equal((await call(srv.url, admin, "GET", "/api/ws/health")).body.clients["/admin/quotas"], 2);
    const from = fast.messages.length;
    const got = () => fast.messages.slice(from).filter((m) => m.type === "test").length;
    // 60 MB in all: more than the kernel's socket buffers can absorb for the stalled client. Sent
    // in steps the reader keeps up with (a starved test process must not look like a slow reader).
    const big = { blob: "x".repeat(100_000) };
    for (let i = 1; i <= 6; i++) {
      assert.equal((await call(srv.url, admin, "POST", "/api/ws/test-broadcast", { data: big, count: 100 })).status, 200);
      await until(() => got() === i * 100, 30_000, `the reader got broadcast ${i}`);
    }
    const quotaClients = async () => (await call(srv.url, admin, "GET", "/api/ws/health")).body.clients["/admin/quotas"];
    await until(async () => (await quotaClients()) === 1, 30_000, "the stalled client was dropped");
    assert.equal(fast.socket.connected, true, "the reading client stays");
    assert.equal(got(), 600, "the reader got everything, once");
    slow.destroy();
    fast.close();
  });

  it("keeps test endpoints off in production unless enabled", async () => {
    assert.equal((await call(srv.url, admin, "POST", "/api/ws/test-violation")).status, 200);
    const plain = await startServer();
    try {
      const cookie = await login(plain.url, ADMIN);
      assert.equal((await call(plain.url, { cookie }, "POST", "/api/ws/test-alert")).status, 404);
    } finally {
      await plain.stop();
    }
  });
});

// A timer's cadence, the same on both databases: checked once, in the SQLite pass.
describe("quota stats cadence", { skip: flavor === "postgres" }, () => {
  let srv: TestServer;
  before(async () => (srv = await startServer()));
  after(() => srv?.stop());

  it("pushes stats periodically (STATS_INTERVAL_MS, 5 s) with the quota console's fields", async () => {
    const cookie = await login(srv.url, ADMIN);
    const token = (await call(srv.url, { cookie }, "POST", "/api/v1/tokens", { name: "stats" })).body.token;
    const c = await record(`${srv.url}/admin/quotas`, token);
    await c.next("stats", { from: 0 });
    const a = await c.next("stats", { timeoutMs: 55_000 });
    const b = await c.next("stats", { timeoutMs: 55_000 });
    const gap = Date.parse(b.timestamp) - Date.parse(a.timestamp);
    // Periodic, not per event and not stalled. The exact cadence is the benchmark's business:
    // on a loaded machine a tick may run late, so the bounds are a fifth and ten times the interval.
    assert.ok(gap >= 1000 && gap < 50_000, `stats ${gap} ms apart`);
    assert.deepEqual(Object.keys(b.data as object).sort(), [
      "average_throttle_factor",
      "commands_today",
      "high_utilization_count",
      "system_load",
      "total_users",
      "violations_today",
    ]);
    const s = b.data as { total_users: number; system_load: { cpu_percent: number; memory_percent: number } };
    assert.equal(s.total_users, 22);
    assert.ok(s.system_load.memory_percent > 0 && s.system_load.memory_percent <= 100);
    c.close();
  });
});
