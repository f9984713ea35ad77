// Socket.IO handshakes through the running server: who may connect to which namespace.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { io, type Socket } from "socket.io-client";
import { startServer, type TestServer } from "../support/server";
import { ADMIN, ANALYST, call, login } from "../support/http";
import { changeDashboard, everyWire, samePatchText } from "../support/wire";

type Outcome = { ok: true; transport: string } | { ok: false; message: string; code?: string };

function connect(url: string, opts: { token?: string; cookie?: string; origin?: string; transports?: string[] }): Promise<Outcome> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = {};
    if (opts.cookie) headers.cookie = opts.cookie;
    if (opts.origin) headers.origin = opts.origin;
    const s: Socket = io(url, {
      auth: opts.token ? { token: opts.token } : {},
      extraHeaders: headers,
      transports: opts.transports ?? ["websocket"],
      reconnection: false,
      forceNew: true, // the client otherwise reuses one Manager (and its headers) per origin
      timeout: 5000,
    });
    s.on("connect", () => {
      const transport = s.io.engine.transport.name;
      s.close();
      resolve({ ok: true, transport });
    });
    s.on("connect_error", (e: Error & { data?: { code?: string } }) => {
      s.close();
      resolve({ ok: false, message: e.message, code: e.data?.code });
    });
    // A namespace that never answers would otherwise hang the test (the client's own timeout
    // covers only the transport's handshake).
    setTimeout(() => {
      s.close();
      resolve({ ok: false, message: "no answer within 15 s" });
    }, 15_000).unref();
  });
}

describe("Socket.IO handshakes", () => {
  let srv: TestServer;
  let adminCookie: string, analystCookie: string, token: string;
  before(async () => {
    srv = await startServer();
    adminCookie = await login(srv.url, ADMIN);
    analystCookie = await login(srv.url, ANALYST);
    token = (await call(srv.url, { cookie: adminCookie }, "POST", "/api/v1/tokens", { name: "socket test" })).body.token;
  });
  after(() => srv?.stop());

  it("refuses an unauthenticated or forged handshake with a clear 401", async () => {
    for (const opts of [{}, { token: "rp_forged" }, { cookie: "next-auth.session-token=garbage" }]) {
      const r = await connect(`${srv.url}/dashboard`, opts);
      assert.deepEqual(r, { ok: false, message: "unauthorized: sign in or pass a valid API token", code: "unauthorized" });
    }
  });

  it("admits a session cookie or an API token to /dashboard, over WebSocket or polling", async () => {
    assert.deepEqual(await connect(`${srv.url}/dashboard`, { cookie: analystCookie }), { ok: true, transport: "websocket" });
    assert.deepEqual(await connect(`${srv.url}/dashboard`, { token }), { ok: true, transport: "websocket" });
    assert.equal((await connect(`${srv.url}/dashboard`, { token, transports: ["polling"] })).ok, true);
  });

  it("admits admins only to /admin/quotas", async () => {
    assert.deepEqual(await connect(`${srv.url}/admin/quotas`, { cookie: analystCookie }), {
      ok: false,
      message: "forbidden: the /admin/quotas channel is for admins only",
      code: "forbidden",
    });
    assert.equal((await connect(`${srv.url}/admin/quotas`, { cookie: adminCookie })).ok, true);
    assert.equal((await connect(`${srv.url}/admin/quotas`, { token })).ok, true);
  });

  it("refuses a session handshake from another site (cross-site WebSocket hijacking)", async () => {
    const r = await connect(`${srv.url}/dashboard`, { cookie: adminCookie, origin: "https://evil.example" });
    assert.deepEqual(r, { ok: false, message: "forbidden: cross-origin session handshake", code: "cross_origin" });
    assert.equal((await connect(`${srv.url}/dashboard`, { cookie: adminCookie, origin: srv.url })).ok, true);
  });

  it("one patch reaches Socket.IO (WebSocket and polling) and the plain WebSocket as the very same text, uncompressed by default", async () => {
    const clients = await everyWire(srv.url, token);
    try {
      const version = await changeDashboard(srv.url, token, "same bytes everywhere");
      const text = await samePatchText(clients, version);
      assert.equal((JSON.parse(text) as { data: { version: number } }).data.version, version);
      for (const c of clients) assert.ok(!c.extensions()?.includes("permessage-deflate"), `${c.name}: WS_COMPRESSION is off by default`);
    } finally {
      clients.forEach((c) => c.close());
    }
  });

  it("refuses the default namespace", async () => {
    // The server's own refusal, not a timeout or any other failure to connect.
    assert.deepEqual(await connect(`${srv.url}/`, { token }), { ok: false, message: "unknown namespace", code: "unknown_namespace" });
  });
});
