// The shipped deploy/nginx.conf, run for real in front of two instances (test/support/nginx.ts
// substitutes only addresses, ports, name and a throwaway certificate): Server-Sent Events pass
// unbuffered (an event published after the stream opened arrives while it stays open), both plain
// WebSocket locations upgrade and carry messages both ways, and the port-80 server redirects to
// HTTPS with the same path and query.
import assert from "node:assert/strict";
import http from "node:http";
import { after, before, describe, it } from "node:test";
import WebSocket from "ws";
import { startCluster, type TestCluster } from "../support/cluster";
import { ADMIN, call, login } from "../support/http";
import { startNginx, type TestNginx } from "../support/nginx";
import { until } from "../support/socket";
import { openSse } from "../support/sse";

// The certificate is a throwaway self-signed one made for this run; this process talks only to it.
process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";

type Frame = { type: string; client_id?: string; data?: Record<string, unknown> };

function openWs(url: string) {
  const ws = new WebSocket(url, { rejectUnauthorized: false });
  const frames: Frame[] = [];
  let closed: number | null = null;
  ws.on("message", (raw) => frames.push(JSON.parse(raw.toString()) as Frame));
  ws.on("close", (code) => (closed = code));
  const next = async (pred: (f: Frame) => boolean, from = 0, what = "a frame") => {
    let hit: Frame | undefined;
    await until(() => !!(hit = frames.slice(from).find(pred)), 10_000, what);
    return hit!;
  };
  const opened = new Promise<void>((resolve, reject) => (ws.once("open", () => resolve()), ws.once("error", reject)));
  return { ws, frames, next, opened, closed: () => closed, send: (m: unknown) => ws.send(JSON.stringify(m)) };
}

describe("through the shipped nginx config", () => {
  let cl: TestCluster;
  let nginx: TestNginx;
  let token: string;
  before(async () => {
    // Heartbeats every 15 s (the default) cannot push a buffered event out within these tests.
    cl = await startCluster(2, { env: { TRUST_PROXY: "1", STATS_INTERVAL_MS: "1000", DASHBOARD_COALESCE_MS: "20" } });
    nginx = await startNginx(cl.nodes.map((n) => n.port));
    const a = cl.nodes[0]!;
    token = (await call(a.url, { cookie: await login(a.url, ADMIN) }, "POST", "/api/v1/tokens", { name: "nginx" })).body.token;
  });
  after(async () => {
    await nginx?.stop();
    await cl?.stop();
  });

  it("SSE is not buffered: events published after the stream opened arrive while it stays open", async () => {
    const s = await openSse(`${nginx.https}/api/v1/sse/dashboard`, { authorization: `Bearer ${token}` });
    assert.equal(s.res.status, 200);
    assert.match(s.res.headers.get("content-type") ?? "", /^text\/event-stream/);
    await s.until((f) => f.event === "dashboard_update", 10_000);
    const title = `Through nginx over SSE ${Date.now()}`;
    const made = await call(nginx.https, { token }, "POST", "/api/v1/risks", { title, severity: "critical", likelihood: 1, impact: 1 });
    assert.equal(made.status, 201);
    const patch = await s.until((f) => f.event === "dashboard_patch" && f.data!.includes(title), 10_000);
    assert.equal(JSON.parse(patch.data!).type, "dashboard_patch");
    assert.equal(s.ended(), false, "the stream is still open: the event was not held until it ended");
    await s.close();

    // The quota stream: each stats push (every second) arrives on its own, the stream open throughout.
    const q = await openSse(`${nginx.https}/api/v1/sse/admin/quotas`, { authorization: `Bearer ${token}` });
    await until(() => q.frames.filter((f) => f.event === "stats").length >= 3, 15_000, "three stats pushes over one open stream");
    assert.equal(q.ended(), false);
    await q.close();
  });

  it("the plain WebSocket locations upgrade and carry messages both ways: /api/v1/ws/dashboard and /ws/admin/quotas", async () => {
    const wss = nginx.https.replace("https", "wss");
    const dash = openWs(`${wss}/api/v1/ws/dashboard?token=${token}`);
    await dash.opened;
    await dash.next((f) => f.type === "dashboard_update", 0, "dashboard_update through nginx");
    let from = dash.frames.length;
    dash.send({ action: "ping" });
    await dash.next((f) => f.type === "pong", from, "pong through nginx");
    from = dash.frames.length;
    const title = `Through nginx over a plain WebSocket ${Date.now()}`;
    await call(nginx.https, { token }, "POST", "/api/v1/risks", { title, severity: "high", likelihood: 1, impact: 1 });
    await dash.next((f) => f.type === "dashboard_patch" && JSON.stringify(f.data).includes(title), from, "the patch through nginx");

    const quotas = openWs(`${wss}/ws/admin/quotas?token=${token}`);
    await quotas.opened;
    const stats = await quotas.next((f) => f.type === "stats", 0, "stats through nginx");
    assert.equal(typeof stats.client_id, "string");
    const me = (await call(nginx.https, { token }, "GET", "/api/v1/me")).body.id as number;
    const type = `nginx${Date.now()}`;
    await call(nginx.https, { token }, "PUT", "/api/v1/quotas", { user_id: me, command_type: type, period: "daily", limit: 0 });
    from = quotas.frames.length;
    assert.equal((await call(nginx.https, { token }, "POST", "/api/v1/commands", { command_type: type })).status, 429);
    const v = await quotas.next((f) => f.type === "violation" && f.data?.command_type === type, from, "the violation through nginx");
    assert.equal(v.client_id, stats.client_id);
    assert.equal(dash.closed(), null);
    assert.equal(quotas.closed(), null);
    dash.ws.close();
    quotas.ws.close();
  });

  it("the HTTP server answers 301 to https with the same path and query", async () => {
    const path = "/risks?status=open&q=a%20b&page=2";
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.request(`${nginx.http}${path}`, { headers: { host: "localhost" } }, resolve);
      req.on("error", reject);
      req.end();
    });
    res.resume();
    assert.equal(res.statusCode, 301);
    assert.equal(res.headers.location, `https://localhost${path}`);
  });
});
