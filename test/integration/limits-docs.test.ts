// What the README's configuration and protocol sections promise about connection limits, slow
// clients, the heartbeat and close codes, checked on every transport: MAX_CONNECTIONS caps the
// dashboard channel as it does the quota channel (Socket.IO, SSE, plain WebSocket; polling is no
// connection); an evicted slow client is told `slow_consumer`; the plain WebSocket follows
// PING_INTERVAL_MS / PING_TIMEOUT_MS / HEARTBEAT_INTERVAL_MS; close codes are 4000 + status.
import assert from "node:assert/strict";
import crypto from "node:crypto";
import net from "node:net";
import { after, before, describe, it } from "node:test";
import { io } from "socket.io-client";
import { startServer, type TestServer } from "../support/server";
import { ADMIN, call, login } from "../support/http";
import { plainWs } from "../support/plain-ws";
import { record, until } from "../support/socket";
import { stalledClient } from "../support/stalled-client";

/** A raw HTTP/1.1 request (an SSE stream or a WebSocket upgrade) whose bytes are all kept. */
async function rawClient(port: number, request: string) {
  const sock = net.connect(port, "127.0.0.1");
  await new Promise((r) => sock.once("connect", r));
  const chunks: Buffer[] = [];
  let closed = false;
  sock.on("data", (b: Buffer) => chunks.push(b));
  sock.on("close", () => (closed = true)).on("error", () => {});
  sock.write(request);
  return { sock, bytes: () => Buffer.concat(chunks), closed: () => closed };
}

describe("limits, slow clients, heartbeat and close codes, as documented", () => {
  let srv: TestServer;
  let admin: { cookie: string };
  let token: string;
  const health = async () => (await call(srv.url, admin, "GET", "/api/ws/health")).body;
  const wsUrl = (path: string) => `${srv.url.replace("http", "ws")}${path}`;

  before(async () => {
    srv = await startServer({
      env: {
        MAX_CONNECTIONS: "3",
        ENABLE_TEST_ENDPOINTS: "1",
        SLOW_CLIENT_MAX_QUEUE: "20",
      },
    });
    admin = { cookie: await login(srv.url, ADMIN) };
    token = (await call(srv.url, admin, "POST", "/api/v1/tokens", { name: "limits" })).body.token;
  });
  after(() => srv?.stop());

  it("MAX_CONNECTIONS caps the dashboard channel on Socket.IO, SSE and the plain WebSocket; polling still answers", async () => {
    const held = await Promise.all(Array.from({ length: 3 }, () => record(`${srv.url}/dashboard`, token)));
    try {
      await until(async () => (await health()).clients["/dashboard"] === 3, 5000, "three dashboard clients");

      const s = io(`${srv.url}/dashboard`, { auth: { token }, transports: ["websocket"], forceNew: true, reconnection: false });
      let outcome: (Error & { data?: { code: string; status: number } }) | "connected" | null = null;
      s.once("connect", () => (outcome = "connected")).once("connect_error", (e) => (outcome = e));
      await until(() => outcome !== null, 5000, "the fourth socket answered");
      s.close();
      assert.notEqual(outcome, "connected", "the fourth dashboard socket is refused");
      const err = outcome as unknown as Error & { data?: { code: string; status: number } };
      assert.deepEqual([err.data?.code, err.data?.status], ["capacity", 503]);
      assert.match(err.message, /at most 3 dashboard clients/);

      const sse = await fetch(`${srv.url}/api/v1/sse/dashboard`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(sse.status, 503);
      const body = (await sse.json()) as { error: string; code?: string; details?: { code?: string } };
      assert.equal(body.code ?? body.details?.code, "capacity");
      assert.match(body.error, /at most 3 dashboard clients/);

      const plain = plainWs(wsUrl(`/api/v1/ws/dashboard?token=${token}`), { quiet: true });
      await until(() => plain.closed() !== null, 5000, "the plain WebSocket refused");
      assert.equal(plain.frames.find((f) => f.type === "error")?.code, "capacity");
      assert.deepEqual(plain.closed(), { code: 4503, reason: "capacity" });

      const polled = await call(srv.url, { token }, "GET", "/api/v1/events/dashboard");
      assert.equal(polled.status, 200, "a poll is not a connection");
      const quota = await record(`${srv.url}/admin/quotas`, token);
      assert.equal(quota.socket.connected, true, "the cap is per channel");
      quota.close();
    } finally {
      held.forEach((c) => c.close());
    }
    await until(async () => (await health()).clients["/dashboard"] === 0, 5000, "the dashboard clients gone");
  });

  it("plain WebSocket refusals close with 4000 + status and the code as reason", async () => {
    const anon = plainWs(wsUrl("/api/v1/ws/dashboard"), { headers: { origin: srv.url }, quiet: true });
    await until(() => anon.closed() !== null, 5000, "refused");
    assert.equal(anon.frames.find((f) => f.type === "error")?.code, "unauthorized");
    assert.deepEqual(anon.closed(), { code: 4401, reason: "unauthorized" });
  });

  // A reader that stalls until it is evicted, then reads again: what the server sent last must be
  // the `slow_consumer` notice (plain WebSocket: and the 4503 close frame), then the end.
  async function evictAndRead(client: { sock: net.Socket; bytes: () => Buffer; closed: () => boolean }) {
    client.sock.pause();
    const before = (await health()).broadcaster.slow_client_evictions as number;
    const big = { blob: "x".repeat(100_000) };
    let evicted = false;
    const evictions = async () => (evicted = (await health()).broadcaster.slow_client_evictions > before);
    for (let i = 0; i < 12 && !(await evictions()); i++)
      await call(srv.url, admin, "POST", "/api/ws/test-broadcast", { channel: "dashboard", data: big, count: 50 });
    await until(evictions, 10_000, "the stalled client evicted");
    assert.ok(evicted);
    client.sock.resume();
    await until(() => client.closed(), 10_000, "the server ended the connection");
    return client.bytes();
  }

  it("an evicted slow client is told slow_consumer on Socket.IO", async () => {
    const sock = await stalledClient(srv.port, "/dashboard", token);
    const chunks: Buffer[] = [];
    let closed = false;
    sock.on("data", (b: Buffer) => chunks.push(b)).on("error", () => {});
    sock.on("close", () => (closed = true));
    const bytes = await evictAndRead({ sock, bytes: () => Buffer.concat(chunks), closed: () => closed });
    assert.ok(bytes.includes('"code":"slow_consumer"'), "the error event with slow_consumer");
  });

  it("an evicted slow client is told slow_consumer on SSE", async () => {
    const c = await rawClient(
      srv.port,
      `GET /api/v1/sse/dashboard HTTP/1.1\r\nHost: 127.0.0.1:${srv.port}\r\nAuthorization: Bearer ${token}\r\nAccept: text/event-stream\r\n\r\n`,
    );
    await until(async () => (await health()).broadcaster.sse_streams.dashboard === 1, 5000, "the stream open");
    const bytes = await evictAndRead(c);
    const text = bytes.toString("latin1");
    assert.match(text, /event: error\nid: [^\n]+\ndata: \{[^\n]*"code":"slow_consumer"/);
  });

  it("an evicted slow client is told slow_consumer on the plain WebSocket, then closed with 4503", async () => {
    const c = await rawClient(
      srv.port,
      [
        `GET /api/v1/ws/dashboard?token=${token} HTTP/1.1`,
        `Host: 127.0.0.1:${srv.port}`,
        "Upgrade: websocket",
        "Connection: Upgrade",
        `Sec-WebSocket-Key: ${crypto.randomBytes(16).toString("base64")}`,
        "Sec-WebSocket-Version: 13",
        "",
        "",
      ].join("\r\n"),
    );
    await until(() => c.bytes().includes("dashboard_update"), 5000, "the first snapshot");
    const bytes = await evictAndRead(c);
    assert.ok(bytes.includes('"code":"slow_consumer"'), "the error message with slow_consumer");
    // A close frame: 0x88, length, code 4503 (0x1197), reason.
    assert.ok(bytes.includes(Buffer.concat([Buffer.from([0x88, 2 + 13, 0x11, 0x97]), Buffer.from("slow_consumer")])), "close 4503");
  });
});

describe("the plain WebSocket's heartbeat settings", () => {
  let srv: TestServer;
  let token: string;
  const wsUrl = (path: string) => `${srv.url.replace("http", "ws")}${path}`;
  before(async () => {
    srv = await startServer({ env: { PING_INTERVAL_MS: "300", PING_TIMEOUT_MS: "300", HEARTBEAT_INTERVAL_MS: "300" } });
    const admin = { cookie: await login(srv.url, ADMIN) };
    token = (await call(srv.url, admin, "POST", "/api/v1/tokens", { name: "heartbeat" })).body.token;
  });
  after(() => srv?.stop());

  it("the plain WebSocket pings every PING_INTERVAL_MS, drops a silent client after PING_INTERVAL_MS + PING_TIMEOUT_MS, and the quota console's ping follows HEARTBEAT_INTERVAL_MS", async () => {
    const answering = plainWs(wsUrl(`/ws/admin/quotas?token=${token}`), { quiet: true });
    const silent = plainWs(wsUrl(`/ws/admin/quotas?token=${token}`), { autoPong: false, quiet: true });
    await until(() => answering.frames.filter((f) => f.type === "ping").length >= 3, 5000, "three app-level pings");
    await until(() => answering.pings() >= 3, 5000, "three WebSocket pings");
    await until(() => silent.closed() !== null, 5000, "the silent client dropped");
    assert.ok(silent.pings() >= 1, "it was pinged first");
    assert.equal(answering.closed(), null, "the client answering pings stays");
    answering.ws.close();
  });
});
