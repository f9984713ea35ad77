// The /dashboard namespace through the running server, with real socket.io-client connections.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createDb } from "../../lib/db/client";
import { applyDashboardMessage } from "@riskpulse/client";
import type { DashboardPatch, DashboardUpdate, Message } from "../../lib/contract/protocol";
import { startServer, type TestServer } from "../support/server";
import { ADMIN, ANALYST, call, login } from "../support/http";
import { record, until, type Recorder } from "../support/socket";

const COALESCE_MS = 300;

describe("live dashboard over Socket.IO", () => {
  let srv: TestServer;
  let cookie: string, token: string;
  const url = () => `${srv.url}/dashboard`;
  const risk = (title: string, severity = "high", likelihood = 0.7) =>
    call(srv.url, { cookie }, "POST", "/api/v1/risks", { title, severity, likelihood, impact: 0.7 });
  const health = async () => (await call(srv.url, { cookie }, "GET", "/api/ws/health")).body;
  /** The feed has applied every change so far: nothing dirty, no recompute running. Resolves with its version. */
  const settled = async (): Promise<number> => {
    let version = 0;
    await until(
      async () => {
        const d = (await health()).broadcaster.dashboard;
        version = d.version;
        return !d.dirty && !d.recomputing;
      },
      15_000,
      "the dashboard feed to settle",
    );
    return version;
  };
  /** Open risks counted in the database, as the dashboard's metrics show them. */
  const counted = async () => {
    const db = createDb(srv.databaseUrl);
    try {
      const open = await db.risk.findMany({ where: { status: "open" }, select: { severity: true } });
      const by = (sev: string) => open.filter((r) => r.severity === sev).length;
      return {
        total_risks: open.length,
        critical_risks: by("critical"),
        high_risks: by("high"),
        medium_risks: by("medium"),
        low_risks: by("low"),
      };
    } finally {
      await db.$disconnect();
    }
  };
  const metricsOf = (d: DashboardUpdate) => {
    const { total_risks, critical_risks, high_risks, medium_risks, low_risks } = d.metrics;
    return { total_risks, critical_risks, high_risks, medium_risks, low_risks };
  };

  before(async () => {
    srv = await startServer({
      env: {
        DASHBOARD_COALESCE_MS: String(COALESCE_MS),
        DASHBOARD_TICK_MS: "3600000",
        REFRESH_RATE_LIMIT: "3",
        REFRESH_RATE_WINDOW_MS: "60000",
        // No periodic quota stats: the broadcast counters below move only with this file's messages.
        STATS_INTERVAL_MS: "3600000",
        ENABLE_TEST_ENDPOINTS: "1",
      },
    });
    cookie = await login(srv.url, ADMIN);
    token = (await call(srv.url, { cookie }, "POST", "/api/v1/tokens", { name: "live tests" })).body.token;
  });
  after(() => srv?.stop());

  it("sends a full dashboard_update on connect, as an envelope", async () => {
    const c = await record(url(), token);
    const env = await c.next("dashboard_update", { from: 0 });
    assert.deepEqual(Object.keys(env).sort(), ["data", "id", "timestamp", "type"]);
    assert.match(env.id, /^\d+-\d+-\d+\.[0-9a-z]+$/, "a snapshot for one client: its own id, at the log's current offset and epoch");
    assert.ok(!Number.isNaN(Date.parse(env.timestamp)));
    const rest = (await call(srv.url, { cookie }, "GET", "/api/v1/dashboard")).body;
    assert.deepEqual(env.data, rest);
    assert.deepEqual(metricsOf(env.data as DashboardUpdate), await counted(), "the database's open risks");
    c.close();
  });

  it("pushes a change made through REST to every connected client, computed once", async () => {
    const clients = await Promise.all(Array.from({ length: 20 }, () => record(url(), token)));
    const held = await Promise.all(clients.map((c) => c.next("dashboard_update", { from: 0 })));
    await settled();
    const before = (await health()).broadcaster.dashboard.recomputes;
    const from = clients.map((c) => c.messages.length);
    const created = await call(srv.url, { cookie }, "POST", "/api/v1/risks", {
      title: "Pushed to everyone",
      severity: "critical",
      likelihood: 1,
      impact: 1,
    });
    const patches = await Promise.all(clients.map((c, i) => c.next("dashboard_patch", { from: from[i] })));
    assert.equal(new Set(patches.map((p) => p.id)).size, 1, "one broadcast, the same message for all");
    const expected = await counted();
    for (const [i, p] of patches.entries()) {
      const r = applyDashboardMessage(held[i]!.data as DashboardUpdate, p as Message<"dashboard">);
      assert.equal(r.kind, "updated");
      if (r.kind !== "updated") continue;
      assert.deepEqual(metricsOf(r.data), expected, "what each client holds matches the database");
      assert.deepEqual([r.data.top_risks[0]!.id, r.data.top_risks[0]!.title], [created.body.id, "Pushed to everyone"]);
    }
    await settled();
    assert.equal((await health()).broadcaster.dashboard.recomputes, before + 1);
    clients.forEach((c) => c.close());
    await call(srv.url, { cookie }, "DELETE", `/api/v1/risks/${created.body.id}`);
    await settled();
  });

  it("folds a burst of changes into at most one further recompute per window, and the last patch holds them all", async () => {
    const c = await record(url(), token);
    await c.next("dashboard_update", { from: 0 });
    await settled();
    const held = (await call(srv.url, { cookie }, "GET", "/api/v1/dashboard")).body as DashboardUpdate;
    const before = (await health()).broadcaster.dashboard.recomputes;
    const from = c.messages.length;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 10 }, (_, i) => risk(`Burst ${i}`)));
    const spreadMs = performance.now() - t0;
    const version = await settled();
    await until(
      () => c.messages.some((m) => m.type === "dashboard_patch" && (m.data as DashboardPatch).version === version),
      10_000,
      "the client to receive the last patch",
    );
    const recomputes = (await health()).broadcaster.dashboard.recomputes - before;
    const patches = c.messages.slice(from).filter((m) => m.type === "dashboard_patch");
    // The leading edge, then at most one per window the burst's writes were spread over (the
    // machine may be slow enough to spread 10 requests over more than one).
    const windows = Math.floor(spreadMs / COALESCE_MS) + 1;
    assert.ok(recomputes >= 1 && recomputes <= 1 + windows, `${recomputes} recomputes for 10 changes over ${Math.round(spreadMs)} ms`);
    assert.equal(patches.length, recomputes, "one patch per recompute");
    let state: DashboardUpdate = held;
    for (const p of patches) {
      const r = applyDashboardMessage(state, p as Message<"dashboard">);
      assert.equal(r.kind, "updated");
      if (r.kind === "updated") state = r.data;
    }
    assert.equal(state.metrics.total_risks, held.metrics.total_risks + 10, "every change in what the client holds");
    assert.deepEqual(metricsOf(state), await counted());
    c.close();
  });

  it("a patch applied to the previous snapshot equals the new full snapshot, and is much smaller", async () => {
    const c = await record(url(), token);
    const first = await c.next("dashboard_update", { from: 0 });
    let held = first.data as DashboardUpdate;
    const from = c.messages.length;
    await call(srv.url, { cookie }, "PATCH", `/api/v1/risks/${held.top_risks.at(-1)!.id}`, { likelihood: 1, impact: 1 });
    const patch = await c.next("dashboard_patch", { from });
    const p = patch.data as DashboardPatch;
    assert.equal(p.base_version, held.version);
    assert.equal(p.version, held.version + 1);
    const r = applyDashboardMessage(held, patch as Message<"dashboard">);
    assert.equal(r.kind, "updated");
    if (r.kind === "updated") held = r.data;
    const full = (await call(srv.url, { cookie }, "GET", "/api/v1/dashboard")).body;
    assert.deepEqual(held, full);
    assert.ok(
      JSON.stringify(patch).length < JSON.stringify(first).length / 2,
      `patch ${JSON.stringify(patch).length} B vs full ${JSON.stringify(first).length} B`,
    );
    c.close();
  });

  it("resumes a dropped connection from its last id: the missed patches arrive once each, in order, without a full update", async () => {
    const c = await record(url(), token);
    await c.next("dashboard_update", { from: 0 });
    let v = await settled();
    await until(
      () => c.messages.some((m) => (m.data as { version?: number }).version === v),
      10_000,
      "the client to be at the current version",
    );
    c.socket.io.engine.close(); // the network drops (not a clean disconnect)
    await until(() => !c.socket.connected, 5000, "the client to notice the drop");
    for (const title of ["Missed 1", "Missed 2", "Missed 3"]) {
      await risk(title);
      // Each its own patch: the next change only once this one is published.
      await until(async () => (await settled()) === v + 1, 15_000, `the patch for ${title}`);
      v += 1;
    }
    const from = c.messages.length;
    const reconnected = new Promise<void>((r) => c.socket.once("connect", () => r()));
    c.socket.connect();
    await reconnected;
    // A marker published after the catch-up: whatever the resume sends comes before it.
    await call(srv.url, { cookie }, "POST", "/api/ws/test-broadcast", { channel: "dashboard", data: { marker: "after resume" } });
    await c.next("test", { from, timeoutMs: 10_000 });
    const got = c.messages.slice(from);
    assert.deepEqual(
      got.map((m) => m.type),
      ["dashboard_patch", "dashboard_patch", "dashboard_patch", "test"],
    );
    const vs = got.slice(0, 3).map((m) => (m.data as DashboardPatch).version);
    assert.deepEqual(vs, [v - 2, v - 1, v]);
    assert.equal(new Set(got.map((m) => m.id)).size, 4);
    c.close();
  });

  it("answers ping with pong, as an event and through the acknowledgement", async () => {
    const c = await record(url(), token);
    const from = c.messages.length;
    const ack = await c.socket.timeout(2000).emitWithAck("ping");
    assert.equal(ack.type, "pong");
    assert.equal((await c.next("pong", { from })).id, ack.id);
    c.close();
  });

  it("rate-limits refresh per user (across their sockets and reconnects) with an error message, not a disconnect", async () => {
    const c = await record(url(), token);
    const sameUser = await record(url(), token);
    for (let i = 0; i < 3; i++) assert.equal((await c.socket.timeout(5000).emitWithAck("refresh")).type, "dashboard_update");
    const limited = await c.socket.timeout(5000).emitWithAck("refresh");
    assert.equal(limited.type, "error");
    assert.equal(limited.data.code, "rate_limited");
    assert.match(limited.data.error, /at most 3 per 60s/);
    assert.equal(c.socket.connected, true);
    assert.equal((await sameUser.socket.timeout(5000).emitWithAck("refresh")).data.code, "rate_limited", "another socket of the same user");
    c.close();
    const again = await record(url(), token);
    assert.equal((await again.socket.timeout(5000).emitWithAck("refresh")).data.code, "rate_limited", "reconnecting does not reset it");
    const otherUser = await record(url(), "", { cookie: await login(srv.url, ANALYST) });
    assert.equal((await otherUser.socket.timeout(5000).emitWithAck("refresh")).type, "dashboard_update", "another user is not limited");
    [sameUser, again, otherUser].forEach((x) => x.close());
  });

  it("answers unknown or malformed commands with an error, and changes nothing", async () => {
    const c = await record(url(), "", { cookie: await login(srv.url, ANALYST) }); // the admin's refreshes are used up
    const before = (await c.next("dashboard_update", { from: 0 })).data as DashboardUpdate;
    const from = c.messages.length;
    const reply = await c.socket.timeout(2000).emitWithAck("drop_all_risks", { everything: true });
    assert.deepEqual([reply.type, reply.data.code], ["error", "unknown_command"]);
    c.socket.emit("refresh", "garbage", { nested: [1, 2] }); // extra junk arguments are ignored
    await c.next("dashboard_update", { from });
    c.socket.emit("ping", null);
    await c.next("pong", { from });
    assert.equal(c.socket.connected, true);
    assert.equal((await call(srv.url, { cookie }, "GET", "/api/v1/dashboard")).body.version, before.version);
    c.close();
  });

  it("reports clients and broadcasts on /api/v1/ws/stats and /api/ws/health, to signed-in users only", async () => {
    assert.equal((await call(srv.url, null, "GET", "/api/v1/ws/stats")).status, 401);
    assert.equal((await call(srv.url, null, "GET", "/api/ws/health")).status, 401);
    const c = await record(url(), token);
    // Sockets closed by earlier tests leave the server's count when their close arrives.
    const stats = async () => (await call(srv.url, { token }, "GET", "/api/v1/ws/stats")).body;
    await until(async () => (await stats()).namespaces["/dashboard"].connected_clients === 1, 5000, "one connected client");
    await settled();
    const s = await stats();
    assert.equal(s.namespaces["/dashboard"].connected_clients, 1);
    // One more message: the counters move by exactly it, and the last broadcast is its time.
    const from = c.messages.length;
    await call(srv.url, { cookie }, "POST", "/api/ws/test-broadcast", { channel: "dashboard", data: { n: "stats" } });
    const sent = await c.next("test", { from, timeoutMs: 10_000 });
    const s2 = await stats();
    assert.equal(s2.total_broadcasts, s.total_broadcasts + 1);
    assert.equal(s2.namespaces["/dashboard"].total_broadcasts, s.namespaces["/dashboard"].total_broadcasts + 1);
    assert.equal(s2.last_broadcast, sent.timestamp);
    assert.equal(typeof s2.avg_broadcast_time_ms, "number");
    await until(async () => (await stats()).uptime_seconds > s.uptime_seconds, 10_000, "the uptime to grow");
    const h = (await call(srv.url, { token }, "GET", "/api/ws/health")).body;
    assert.deepEqual([h.status, h.clients["/dashboard"], h.broadcaster.running], ["ok", 1, true]);
    c.close();
  });
});

describe("dashboard safety-net tick", () => {
  let srv: TestServer;
  before(async () => (srv = await startServer({ env: { DASHBOARD_TICK_MS: "700" } })));
  after(() => srv?.stop());

  it("picks up a change made behind the app's back within one tick", async () => {
    const cookie = await login(srv.url, ADMIN);
    const token = (await call(srv.url, { cookie }, "POST", "/api/v1/tokens", { name: "tick" })).body.token;
    const c: Recorder = await record(`${srv.url}/dashboard`, token);
    const first = (await c.next("dashboard_update", { from: 0 })).data as DashboardUpdate;
    // Another process writes to the database directly: no domain event is published.
    const { createDb } = await import("../../lib/db/client");
    const db = createDb(srv.databaseUrl);
    await db.risk.updateMany({ where: { status: "open", severity: "low" }, data: { status: "closed" } });
    await db.$disconnect();
    const patch = await c.next("dashboard_patch", { timeoutMs: 3000 });
    const r = applyDashboardMessage(first, patch as Message<"dashboard">);
    assert.equal(r.kind === "updated" && r.data.metrics.low_risks, 0);
    c.close();
  });
});
