// Security through the running server: demo accounts never silently in production, live access
// that ends with the credential (revoked token, signed out, expired, disabled, demoted), redirects
// kept on the site, cross-site requests refused, sign-in throttled, internals kept from analysts,
// per-user connection caps.
import assert from "node:assert/strict";
import fs from "node:fs";
import { after, before, describe, it } from "node:test";
import { io } from "socket.io-client";
import { createDb } from "../../lib/db/client";
import { startServer, type TestServer } from "../support/server";
import { ADMIN, ANALYST, call, login, signOut } from "../support/http";
import { openSse } from "../support/sse";
import { record, until, type Recorder } from "../support/socket";

/**
 * Resolves with the code of the error a socket got just before the server closed it. The
 * deadline is generous (a loaded machine is slow): the point is that the server closes it at
 * all, where the credential would otherwise keep it open for as long as the client likes.
 */
function closedWith(c: Recorder, timeoutMs = 15_000): Promise<{ code: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`socket still open after ${timeoutMs} ms`)), timeoutMs);
    c.socket.once("disconnect", () => {
      clearTimeout(timer);
      const err = c.messages.findLast((m) => m.type === "error");
      resolve({ code: (err?.data as { code: string } | undefined)?.code ?? "(none)" });
    });
  });
}

/** Reads the server's database directly (what the server answers is not the judge). */
async function inDb<T>(srv: TestServer, read: (db: ReturnType<typeof createDb>) => Promise<T>): Promise<T> {
  const db = createDb(srv.databaseUrl);
  try {
    return await read(db);
  } finally {
    await db.$disconnect();
  }
}

describe("security", () => {
  let srv: TestServer;
  let admin: { cookie: string };
  let adminToken: string;
  before(async () => {
    srv = await startServer({ env: { MAX_CONNECTIONS_PER_USER: "20", ENABLE_TEST_ENDPOINTS: "1" } });
    admin = { cookie: await login(srv.url, ADMIN) };
    adminToken = (await call(srv.url, admin, "POST", "/api/v1/tokens", { name: "security" })).body.token;
  });
  after(() => srv?.stop());

  it("closes a revoked token's open sockets (both namespaces) and SSE streams at once, and refuses it on the next request", async () => {
    const t = (await call(srv.url, admin, "POST", "/api/v1/tokens", { name: "to revoke" })).body;
    const dash = await record(`${srv.url}/dashboard`, t.token);
    const quotas = await record(`${srv.url}/admin/quotas`, t.token);
    const sse = await openSse(`${srv.url}/api/v1/sse/admin/quotas`, { authorization: `Bearer ${t.token}` });
    await sse.until((f) => f.event === "stats");
    const closing = [closedWith(dash), closedWith(quotas)];
    assert.equal((await call(srv.url, admin, "DELETE", `/api/v1/tokens/${t.id}`)).status, 200);
    for (const c of await Promise.all(closing)) assert.equal(c.code, "token_revoked");
    const end = await sse.until((f) => f.event === "error", 15_000);
    assert.equal(JSON.parse(end.data!).data.code, "token_revoked");
    await until(() => sse.ended(), 15_000, "the server ended the stream");
    await sse.close();
    assert.equal((await call(srv.url, { token: t.token }, "GET", "/api/v1/me")).status, 401);
    assert.equal(await inDb(srv, (db) => db.apiToken.count({ where: { id: t.id, revokedAt: null } })), 0, "no live token row");
  });

  it("ends the session server-side on sign-out: the copied cookie is refused and its socket closes", async () => {
    const cookie = await login(srv.url, ANALYST);
    const c = await record(`${srv.url}/dashboard`, "", { cookie });
    const closing = closedWith(c);
    await signOut(srv.url, cookie);
    assert.equal((await closing).code, "session_ended");
    const r = await call(srv.url, { cookie }, "GET", "/api/v1/me");
    assert.deepEqual([r.status, r.body.code], [401, "session_ended"]);
  });

  it("takes a demoted admin off the admin channel at once and refuses admin routes on the next request", async () => {
    const email = `ops-${Date.now()}@x.test`;
    const u = (
      await call(srv.url, admin, "POST", "/api/v1/users", {
        email,
        name: "Ops Person",
        role: "admin",
        password: "a long enough passphrase",
      })
    ).body;
    const cookie = await login(srv.url, { email, password: "a long enough passphrase" });
    const quotas = await record(`${srv.url}/admin/quotas`, "", { cookie });
    const dash = await record(`${srv.url}/dashboard`, "", { cookie });
    const closing = closedWith(quotas);
    assert.equal(
      (await call(srv.url, admin, "PATCH", `/api/v1/users/${u.id}`, { role: "analyst", current_password: ADMIN.password })).status,
      200,
    );
    assert.equal((await closing).code, "forbidden");
    assert.equal((await call(srv.url, { cookie }, "GET", "/api/v1/quotas")).status, 403);
    assert.equal(dash.socket.connected, true, "the dashboard is still theirs");
    const off = closedWith(dash);
    assert.equal((await call(srv.url, admin, "PATCH", `/api/v1/users/${u.id}`, { disabled: true })).status, 200);
    assert.equal((await off).code, "account_disabled");
    assert.deepEqual(await inDb(srv, (db) => db.user.findUniqueOrThrow({ where: { id: u.id }, select: { role: true, disabled: true } })), {
      role: "analyst",
      disabled: true,
    });
  });

  it("keeps the last active admin (409)", async () => {
    const admins = (await call(srv.url, admin, "GET", "/api/v1/users?role=admin&disabled=false")).body.items as {
      id: number;
      email: string;
    }[];
    for (const a of admins.filter((x) => x.email !== ADMIN.email))
      await call(srv.url, admin, "PATCH", `/api/v1/users/${a.id}`, { disabled: true });
    const me = (await call(srv.url, admin, "GET", "/api/v1/me")).body.id;
    for (const [method, body] of [
      ["PATCH", { role: "analyst", current_password: ADMIN.password }],
      ["PATCH", { disabled: true }],
      ["DELETE", undefined],
    ] as const) {
      const r = await call(srv.url, admin, method, `/api/v1/users/${me}`, body);
      assert.equal(r.status, 409, `${method} ${JSON.stringify(body)}`);
      assert.match(r.body.error, /last active admin/);
    }
    assert.deepEqual(
      await inDb(srv, (db) => db.user.findMany({ where: { role: "admin", disabled: false }, select: { id: true, email: true } })),
      [{ id: me, email: ADMIN.email }],
      "the refused changes changed nothing",
    );
  });

  it("keeps sign-in redirects on the site", async () => {
    for (const evil of ["/\\evil.com", "/\t/evil.com", "//evil.com", "https://evil.com"]) {
      const res = await fetch(`${srv.url}/login?callbackUrl=${encodeURIComponent(evil)}`, {
        redirect: "manual",
        headers: { cookie: admin.cookie },
      });
      assert.equal(res.status, 307, evil);
      const target = new URL(res.headers.get("location")!, srv.url);
      assert.equal(target.origin, new URL(srv.url).origin, evil);
      assert.equal(target.pathname, "/dashboard", evil);
    }
  });

  it("refuses cookie-authenticated state changes from other sites, body-less POSTs included", async () => {
    const evil = { origin: "https://evil.example" };
    const post = (path: string, headers: Record<string, string>, body?: string) =>
      fetch(`${srv.url}${path}`, {
        method: "POST",
        headers: { cookie: admin.cookie, ...headers, ...(body ? { "content-type": "application/json" } : {}) },
        body,
      });
    assert.equal((await post("/api/ws/test-alert", evil)).status, 403);
    assert.equal((await post("/api/v1/alerts/1/ack", { "sec-fetch-site": "cross-site" })).status, 403);
    assert.equal(
      (await post("/api/v1/risks", evil, JSON.stringify({ title: "csrf", severity: "low", likelihood: 0.1, impact: 0.1 }))).status,
      403,
    );
    assert.equal((await post("/api/ws/test-alert", { origin: srv.url, "sec-fetch-site": "same-origin" })).status, 200, "our own pages may");
    const withToken = await fetch(`${srv.url}/api/ws/test-alert`, {
      method: "POST",
      headers: { authorization: `Bearer ${adminToken}`, ...evil },
    });
    assert.equal(withToken.status, 200, "a token is no ambient credential");
    assert.equal(await inDb(srv, (db) => db.risk.count({ where: { title: "csrf" } })), 0, "the refused POST wrote nothing");
  });

  it("throttles sign-in: 20 wrong passwords → 429 with Retry-After, while another account still signs in", async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 20; i++) {
      const csrf = await fetch(`${srv.url}/api/auth/csrf`);
      const { csrfToken } = (await csrf.json()) as { csrfToken: string };
      const res = await fetch(`${srv.url}/api/auth/callback/credentials`, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          cookie: csrf.headers
            .getSetCookie()
            .map((c) => c.split(";")[0])
            .join("; "),
        },
        body: new URLSearchParams({ csrfToken, email: ANALYST.email, password: `wrong-${i}`, json: "true" }),
      });
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get("retry-after");
    }
    assert.equal(statuses.filter((s) => s === 401).length, 10, statuses.join(","));
    assert.equal(statuses.filter((s) => s === 429).length, 10);
    assert.ok(Number(retryAfter) > 0, `Retry-After: ${retryAfter}`);
    await assert.rejects(login(srv.url, ANALYST), /HTTP 429/, "even the right password waits out the window");
    assert.ok(await login(srv.url, ADMIN), "another account is not locked out");
  });

  it("shows analysts their own channel's figures only; memory, errors and admin counts are for admins", async () => {
    const email = `viewer-${Date.now()}@x.test`;
    await call(srv.url, admin, "POST", "/api/v1/users", { email, name: "Viewer", role: "analyst", password: "another long passphrase" });
    const analyst = { cookie: await login(srv.url, { email, password: "another long passphrase" }) };
    const s = (await call(srv.url, analyst, "GET", "/api/v1/ws/stats")).body;
    assert.deepEqual(Object.keys(s.namespaces), ["/dashboard"]);
    assert.equal(s.namespaces["/dashboard"].transports, undefined);
    const h = (await call(srv.url, analyst, "GET", "/api/ws/health")).body;
    assert.deepEqual(Object.keys(h).sort(), ["clients", "status"]);
    assert.deepEqual(Object.keys(h.clients), ["/dashboard"]);
    // Sockets the earlier tests had the server close have left the admin channel's count.
    let full = (await call(srv.url, admin, "GET", "/api/ws/health")).body;
    await until(async () => (full = (await call(srv.url, admin, "GET", "/api/ws/health")).body).clients["/admin/quotas"] === 0, 10_000);
    assert.equal(full.checks.database.ok, true);
    // The server's memory as the kernel reports it (the same order: both are the resident set).
    const vmRss = Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${srv.proc.pid}/status`, "utf8"))![1]) * 1024;
    assert.ok(Math.abs(full.process.rss_bytes / vmRss - 1) < 0.5, `rss_bytes ${full.process.rss_bytes} vs VmRSS ${vmRss}`);
  });

  it("refuses the 21st live connection of one user, on any transport, with a clear reason", async () => {
    const held = await Promise.all(Array.from({ length: 20 }, () => record(`${srv.url}/dashboard`, adminToken)));
    const s = io(`${srv.url}/dashboard`, { auth: { token: adminToken }, transports: ["websocket"], forceNew: true, reconnection: false });
    const err = await new Promise<Error & { data?: { code: string; status: number } }>((r) => s.once("connect_error", r));
    assert.deepEqual([err.data?.code, err.data?.status], ["user_connection_limit", 429]);
    assert.match(err.message, /at most 20/);
    s.close();
    const sse = await fetch(`${srv.url}/api/v1/sse/dashboard`, { headers: { authorization: `Bearer ${adminToken}` } });
    assert.equal(sse.status, 429);
    held.forEach((c) => c.close());
    await until(async () => (await call(srv.url, admin, "GET", "/api/ws/health")).body.clients["/dashboard"] === 0);
  });

  it("answers unknown commands (constructor included) with an error and keeps the socket", async () => {
    const c = await record(`${srv.url}/dashboard`, adminToken);
    const before = (await call(srv.url, admin, "GET", "/api/ws/health")).body.broadcaster.unknown_commands;
    for (const name of ["constructor", "__proto__", "toString", "drop_tables"]) {
      const reply = await c.socket.timeout(2000).emitWithAck(name);
      assert.deepEqual([reply.type, reply.data.code], ["error", "unknown_command"], name);
    }
    assert.equal(c.socket.connected, true);
    assert.equal((await call(srv.url, admin, "GET", "/api/ws/health")).body.broadcaster.unknown_commands, before + 4);
    c.close();
  });
});

describe("sessions expire on the server too", () => {
  let srv: TestServer;
  before(async () => (srv = await startServer({ env: { SESSION_MAX_AGE_S: "3" } })));
  after(() => srv?.stop());

  it("closes a socket when its session reaches its expiry, and REST refuses the cookie", async () => {
    const cookie = await login(srv.url, ANALYST);
    const c = await record(`${srv.url}/dashboard`, "", { cookie });
    const end = await closedWith(c, 30_000);
    assert.equal(end.code, "session_expired");
    assert.equal((await call(srv.url, { cookie }, "GET", "/api/v1/me")).status, 401);
  });
});

describe("demo accounts in production", () => {
  it("a production start refuses to run while a demo account has its published password, saying how to fix it", async () => {
    const srv = await startServer(); // seeded with SEED_DEMO=1, as a demo would be
    try {
      await assert.rejects(
        srv.restart({ SEED_DEMO: "0" }),
        (e: Error) => /exited with 78/.test(e.message) && /published demo password/.test(e.message) && /npm run user/.test(e.message),
      );
    } finally {
      await srv.stop();
    }
  });
});
