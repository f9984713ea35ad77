// Bad input, on both databases: bodies (100 MB, chunked, NUL, out-of-range ids, prototype keys),
// path ids, query strings, headers, Last-Event-ID and since cursors, odd methods, socket and
// WebSocket payloads, floods. Nothing answers ≥ 500, the server keeps serving, and its memory
// comes back within 50 MB.
import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import { after, before, describe, it } from "node:test";
import { io } from "socket.io-client";
import WebSocket from "ws";
import { ADMIN, call, login } from "../support/http";
import { startServer, type TestServer } from "../support/server";
import { until } from "../support/socket";

const rss = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))![1]) * 1024;

/** Raw HTTP, so nothing is "fixed" on the way (bad methods, encodings, chunked bodies). */
function raw(
  port: number,
  opts: { method: string; path: string; headers?: Record<string, string>; body?: Buffer | (() => AsyncIterable<Buffer>) },
): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request({ host: "127.0.0.1", port, method: opts.method, path: opts.path, headers: opts.headers }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", () => resolve(-1));
    if (typeof opts.body === "function") {
      void (async () => {
        try {
          for await (const chunk of (opts.body as () => AsyncIterable<Buffer>)())
            if (!req.write(chunk)) await new Promise((r) => req.once("drain", r));
          req.end();
        } catch {
          /* the server stopped reading: fine */
        }
      })();
    } else req.end(opts.body);
  });
}

describe("fuzzing the edges", () => {
  let srv: TestServer;
  let token: string;
  const statuses: { what: string; status: number }[] = [];
  let t = Date.now();
  const note = (what: string, status: number) => {
    statuses.push({ what, status });
    if (process.env.FUZZ_VERBOSE) console.log(`${Date.now() - t} ms ${status} ${what}`);
    t = Date.now();
  };
  before(async () => {
    srv = await startServer({ env: { ENABLE_TEST_ENDPOINTS: "1" } });
    token = (await call(srv.url, { cookie: await login(srv.url, ADMIN) }, "POST", "/api/v1/tokens", { name: "fuzz" })).body.token;
  });
  after(() => srv?.stop());

  it("answers every bad request below 500, keeps serving, and gives its memory back", async () => {
    const auth = { authorization: `Bearer ${token}` };
    const json = { ...auth, "content-type": "application/json" };
    const base = rss(srv.proc.pid!);

    // Bodies.
    const hundredMb = Buffer.alloc(100 * 1024 * 1024, 0x20);
    note(
      "100 MB body with Content-Length",
      await raw(srv.port, {
        method: "POST",
        path: "/api/v1/risks",
        headers: { ...json, "content-length": String(hundredMb.length) },
        body: hundredMb,
      }),
    );
    note(
      "100 MB chunked body",
      await raw(srv.port, {
        method: "POST",
        path: "/api/v1/risks",
        headers: { ...json, "transfer-encoding": "chunked" },
        body: async function* () {
          yield Buffer.from('{"title":"');
          for (let i = 0; i < 100; i++) yield Buffer.alloc(1024 * 1024, 0x61);
          yield Buffer.from('"}');
        },
      }),
    );
    const bodies: [string, string, unknown][] = [
      ["POST", "/api/v1/risks", { title: "nul\u0000byte", severity: "low", likelihood: 0.1, impact: 0.1 }],
      ["POST", "/api/v1/risks", { title: "x".repeat(1_000_000), severity: "low", likelihood: 0.1, impact: 0.1 }],
      ["POST", "/api/v1/risks", { title: "x", severity: "low", likelihood: 1e308, impact: -0 }],
      ["POST", "/api/v1/risks", { __proto__: { admin: true }, constructor: { prototype: {} }, title: "p" }],
      ["POST", "/api/v1/risks", [1, 2, 3]],
      ["POST", "/api/v1/risks", "just a string"],
      ["POST", "/api/v1/commands", { command_type: "x", user_id: 2147483648 }],
      ["POST", "/api/v1/commands", { command_type: "x", user_id: 9007199254740991 }],
      ["POST", "/api/v1/commands", { command_type: "x\u0000" }],
      ["PUT", "/api/v1/quotas", { user_id: 2 ** 31, command_type: "x", period: "daily", limit: 1 }],
      ["PUT", "/api/v1/quotas", { command_type: "x", period: "daily", limit: 1e20 }],
      ["POST", "/api/v1/mitigations", { risk_id: 1, title: "m", due_date: "0000-01-01" }],
      ["POST", "/api/v1/mitigations", { risk_id: 2147483648, title: "m", due_date: "2026-01-01" }],
      ["POST", "/api/v1/users", { email: "a\u0000@x.test", name: "n", password: "p".repeat(20) }],
      ["POST", "/api/v1/tokens", { name: "\u0000" }],
      ["PATCH", "/api/v1/risks/1", {}],
    ];
    for (const [method, path, b] of bodies)
      note(`${method} ${path} ${JSON.stringify(b).slice(0, 40)}`, (await call(srv.url, { token }, method, path, b)).status);
    note(
      "deeply nested JSON",
      await raw(srv.port, {
        method: "POST",
        path: "/api/v1/risks",
        headers: json,
        body: Buffer.from("[".repeat(100_000) + "]".repeat(100_000)),
      }),
    );
    note("invalid JSON", await raw(srv.port, { method: "POST", path: "/api/v1/risks", headers: json, body: Buffer.from('{"title": ') }));
    note(
      "wrong content type",
      await raw(srv.port, {
        method: "POST",
        path: "/api/v1/risks",
        headers: { ...auth, "content-type": "text/plain" },
        body: Buffer.from("hi"),
      }),
    );

    // Path ids, queries, methods.
    for (const id of ["%ff", "9007199254740991", "2147483648", "-1", "0", "1e3", "0x10", "1.5", "%00", "..%2f..%2fetc", "a".repeat(5000)]) {
      note(`risk id ${id.slice(0, 20)}`, await raw(srv.port, { method: "GET", path: `/api/v1/risks/${id}`, headers: auth }));
    }
    for (const q of [
      "violations?since=0000-01-01T00:00:00Z",
      "violations?since=99999-01-01T00:00:00Z",
      "violations?user_id=2147483648",
      "risks?q=%00",
      "risks?page=1e9",
      "risks?page_size=-1",
      "risks?sort=constructor",
      "risks?sort=__proto__&order=sideways",
      "alerts?since=nonsense",
      "audit?from=0000-01-01T00:00:00Z",
      "users?q=%00",
      "events/dashboard?since=1-2-3-4",
      "events/dashboard?since=9999999999999999-0",
      "events/dashboard?since=" + "9".repeat(100),
      "events/nope",
    ]) {
      note(`GET ${q.slice(0, 40)}`, await raw(srv.port, { method: "GET", path: `/api/v1/${q}`, headers: auth }));
    }
    for (const method of ["TRACE", "PROPFIND", "PURGE", "LINK"])
      note(`method ${method}`, await raw(srv.port, { method, path: "/api/v1/risks", headers: auth }));

    // Headers and cursors.
    const headers: Record<string, string>[] = [
      { authorization: "Bearer " + "x".repeat(10_000) },
      { authorization: "Basic Zm9vOmJhcg==" },
      { cookie: "next-auth.session-token=" + "x".repeat(8000) },
      { cookie: "next-auth.session-token.0=a; next-auth.session-token.1=b" },
    ];
    for (const h of headers) {
      note(`header ${Object.keys(h)[0]}`, await raw(srv.port, { method: "GET", path: "/api/v1/me", headers: h }));
    }
    for (const id of ["", "garbage", "1-2-3-4", "9999999999999999-0", "ü", "-1--1", "x".repeat(100)]) {
      const ctl = new AbortController();
      const res = await fetch(`${srv.url}/api/v1/sse/dashboard`, {
        headers: { ...auth, "last-event-id": encodeURIComponent(id) },
        signal: ctl.signal,
      });
      note(`Last-Event-ID ${id.slice(0, 20)}`, res.status);
      ctl.abort();
    }

    // Socket.IO: unknown events in a flood, oversized and malformed payloads.
    const s = io(`${srv.url}/dashboard`, { auth: { token }, transports: ["websocket"], forceNew: true, reconnection: false });
    await new Promise<void>((r) => s.once("connect", () => r()));
    for (let i = 0; i < 1000; i++) s.emit(`junk_${i % 50}`, { i, blob: "y".repeat(100) });
    s.emit("refresh", "x".repeat(200_000)); // over maxHttpBufferSize: the server drops this socket
    await until(() => !s.connected, 10_000, "the oversized message's socket dropped");
    s.close();
    const flood = io(`${srv.url}/dashboard`, { auth: { token }, transports: ["websocket"], forceNew: true, reconnection: false });
    await new Promise<void>((r) => flood.once("connect", () => r()));
    const answers = await Promise.all(Array.from({ length: 200 }, () => flood.timeout(5000).emitWithAck("no_such_command")));
    assert.ok(answers.every((a) => a.data.code === "unknown_command"));
    flood.close();

    // Plain WebSocket: binary, oversized, invalid.
    const ws = new WebSocket(`${srv.url.replace("http", "ws")}/api/v1/ws/dashboard?token=${token}`);
    await new Promise((r) => ws.once("open", r));
    ws.send(Buffer.from([0, 1, 2, 3]), { binary: true });
    ws.send("{not json");
    ws.send(JSON.stringify({ action: { nested: true } }));
    ws.send("z".repeat(200_000)); // over maxPayload: closed
    await until(() => ws.readyState === WebSocket.CLOSED, 5000);

    // Still serving, nothing ≥ 500, memory back.
    assert.equal((await call(srv.url, { token }, "GET", "/api/v1/dashboard")).status, 200);
    const bad = statuses.filter((x) => x.status >= 500 || x.status < 0);
    assert.deepEqual(bad, [], "no 5xx (or dropped) answers");
    let now = rss(srv.proc.pid!);
    await until(
      () => (now = rss(srv.proc.pid!)) - base < 50 * 1024 * 1024,
      20_000,
      `RSS back within 50 MB (now ${Math.round((now - base) / 1e6)} MB above)`,
    );
    console.log(
      `FUZZ ${JSON.stringify({ requests: statuses.length, by_status: statuses.reduce<Record<number, number>>((m, x) => ((m[x.status] = (m[x.status] ?? 0) + 1), m), {}), rss_delta_mb: Math.round((now - base) / 1e5) / 10 })}`,
    );
  });
});
