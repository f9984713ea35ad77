// Account takeover through the running server: a password, e-mail or role change needs the
// acting admin's current password from a signed-in session (never a token); a token acts only
// as its creator, can expire, and dies with a forced password reset, a disable or a demotion
// (its live socket closes); `?token=` only on the live handshakes; and `npm run user -- disable`
// from another process closes the user's open socket on the running server.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { startServer, type TestServer } from "../support/server";
import { ADMIN, call, login } from "../support/http";
import { openSse } from "../support/sse";
import { record, until, type Recorder } from "../support/socket";

const run = promisify(execFile);
const PASSWORD = "a long enough passphrase";

/** The code of the error a socket got just before the server closed it. */
const lastErrorCode = (c: Recorder) =>
  (c.messages.findLast((m) => m.type === "error")?.data as { code?: string } | undefined)?.code ?? "(none)";

/** Waits (with a deadline) until the server has closed the socket. */
async function closedBy(c: Recorder, timeoutMs = 5000) {
  await until(() => !c.socket.connected, timeoutMs, "the server closed the socket");
  return lastErrorCode(c);
}

describe("accounts", () => {
  let srv: TestServer;
  let admin: { cookie: string };
  let adminToken: string;
  let n = 0;

  /** A fresh user (created by the admin), signed in, with a token of their own. */
  async function person(role: "admin" | "analyst" = "analyst") {
    const email = `p${++n}-${Date.now()}@x.test`;
    const u = (await call(srv.url, admin, "POST", "/api/v1/users", { email, name: `Person ${n}`, role, password: PASSWORD })).body;
    assert.ok(u.id, JSON.stringify(u));
    const cookie = await login(srv.url, { email, password: PASSWORD });
    const t = await call(srv.url, { cookie }, "POST", "/api/v1/tokens", { name: "own" });
    assert.equal(t.status, 201, JSON.stringify(t.body));
    return { id: u.id as number, email, cookie, token: t.body.token as string, tokenId: t.body.id as number };
  }

  before(async () => {
    srv = await startServer();
    admin = { cookie: await login(srv.url, ADMIN) };
    adminToken = (await call(srv.url, admin, "POST", "/api/v1/tokens", { name: "admin script" })).body.token;
  });
  after(() => srv?.stop());

  it("sets another user's password only with the admin's own current password, from a session", async () => {
    const p = await person();
    const next = "a brand new passphrase";
    const without = await call(srv.url, admin, "PATCH", `/api/v1/users/${p.id}`, { password: next });
    assert.deepEqual(
      [without.status, without.body.code, without.body.details?.[0]?.field],
      [403, "current_password_required", "current_password"],
    );
    const wrong = await call(srv.url, admin, "PATCH", `/api/v1/users/${p.id}`, { password: next, current_password: "not my password" });
    assert.deepEqual([wrong.status, wrong.body.code], [403, "current_password_wrong"]);
    const viaToken = await call(srv.url, { token: adminToken }, "PATCH", `/api/v1/users/${p.id}`, {
      password: next,
      current_password: ADMIN.password,
    });
    assert.deepEqual([viaToken.status, viaToken.body.code], [403, "session_required"]);
    // None of the refused attempts changed anything: the old password still signs in.
    await login(srv.url, { email: p.email, password: PASSWORD });
    const right = await call(srv.url, admin, "PATCH", `/api/v1/users/${p.id}`, { password: next, current_password: ADMIN.password });
    assert.equal(right.status, 200, JSON.stringify(right.body));
    await login(srv.url, { email: p.email, password: next });
  });

  it("guards e-mail and role changes (yours too) the same way; a rename needs no password", async () => {
    const p = await person();
    const me = (await call(srv.url, admin, "GET", "/api/v1/me")).body.id as number;
    for (const [id, patch] of [
      [p.id, { email: `taken-over-${Date.now()}@evil.test` }],
      [p.id, { role: "admin" }],
      [me, { email: `me-${Date.now()}@evil.test` }],
    ] as const) {
      const r = await call(srv.url, admin, "PATCH", `/api/v1/users/${id}`, patch);
      assert.deepEqual([r.status, r.body.code], [403, "current_password_required"], JSON.stringify(patch));
      const t = await call(srv.url, { token: adminToken }, "PATCH", `/api/v1/users/${id}`, { ...patch, current_password: ADMIN.password });
      assert.deepEqual([t.status, t.body.code], [403, "session_required"], JSON.stringify(patch));
    }
    const u = (await call(srv.url, admin, "GET", `/api/v1/users/${p.id}`)).body;
    assert.deepEqual([u.email, u.role], [p.email, "analyst"]);
    const renamed = await call(srv.url, admin, "PATCH", `/api/v1/users/${p.id}`, { name: "Renamed Person" });
    assert.equal(renamed.status, 200);
    const promoted = await call(srv.url, admin, "PATCH", `/api/v1/users/${p.id}`, { role: "admin", current_password: ADMIN.password });
    assert.deepEqual([promoted.status, promoted.body.role], [200, "admin"]);
  });

  it("makes tokens act only as their creator: user_id is refused, and a token cannot mint tokens", async () => {
    const p = await person();
    const r = await call(srv.url, admin, "POST", "/api/v1/tokens", { name: "as someone else", user_id: p.id });
    assert.deepEqual([r.status, r.body.details?.[0]?.field], [400, "user_id"]);
    assert.match(r.body.details[0].message, /acts as the user who creates it/);
    const minted = await call(srv.url, { token: adminToken }, "POST", "/api/v1/tokens", { name: "child" });
    assert.deepEqual([minted.status, minted.body.code], [403, "session_required"]);
    // The analyst's own token acts as the analyst, and they see only their own tokens.
    assert.equal((await call(srv.url, { token: p.token }, "GET", "/api/v1/me")).body.id, p.id);
    const mine = (await call(srv.url, { cookie: p.cookie }, "GET", "/api/v1/tokens")).body.items as { user_id: number }[];
    assert.deepEqual([...new Set(mine.map((t) => t.user_id))], [p.id]);
  });

  for (const [what, patch] of [
    ["an admin-forced password reset", { password: "a reset passphrase here", current_password: ADMIN.password }],
    ["disabling", { disabled: true }],
  ] as const) {
    it(`revokes the user's tokens on ${what}: the live socket closes and the next call is 401`, async () => {
      const p = await person();
      const live = await record(`${srv.url}/dashboard`, p.token);
      await live.next("dashboard_update", { from: 0 });
      assert.equal((await call(srv.url, admin, "PATCH", `/api/v1/users/${p.id}`, patch)).status, 200);
      assert.ok(["token_revoked", "account_disabled"].includes(await closedBy(live)));
      if ("disabled" in patch)
        assert.equal((await call(srv.url, admin, "PATCH", `/api/v1/users/${p.id}`, { disabled: false })).status, 200);
      const r = await call(srv.url, { token: p.token }, "GET", "/api/v1/me");
      assert.deepEqual([r.status, r.body.code], [401, "token_revoked"]);
      live.close();
    });
  }

  it("revokes a demoted admin's tokens: their quota-console socket closes, the token is refused", async () => {
    const p = await person("admin");
    const live = await record(`${srv.url}/admin/quotas`, p.token);
    await live.next("stats", { from: 0 });
    const r = await call(srv.url, admin, "PATCH", `/api/v1/users/${p.id}`, { role: "analyst", current_password: ADMIN.password });
    assert.equal(r.status, 200);
    assert.ok(["token_revoked", "forbidden"].includes(await closedBy(live)));
    const after = await call(srv.url, { token: p.token }, "GET", "/api/v1/me");
    assert.deepEqual([after.status, after.body.code], [401, "token_revoked"]);
    live.close();
  });

  it("refuses an expired token (401 token_expired) and closes its socket at expiry; bad expiries are 400", async () => {
    const p = await person();
    for (const bad of [
      { expires_in_days: 0 },
      { expires_at: "2001-01-01T00:00:00Z" },
      { expires_in_days: 3, expires_at: "2099-01-01T00:00:00Z" },
    ]) {
      const r = await call(srv.url, { cookie: p.cookie }, "POST", "/api/v1/tokens", { name: "bad", ...bad });
      assert.equal(r.status, 400, JSON.stringify(bad));
    }
    const long = await call(srv.url, { cookie: p.cookie }, "POST", "/api/v1/tokens", { name: "month", expires_in_days: 30 });
    assert.equal(long.status, 201);
    assert.ok(Date.parse(long.body.expires_at) > Date.now() + 29 * 86_400_000);
    const t = await call(srv.url, { cookie: p.cookie }, "POST", "/api/v1/tokens", {
      name: "short",
      expires_at: new Date(Date.now() + 2500).toISOString(),
    });
    assert.equal(t.status, 201, JSON.stringify(t.body));
    const live = await record(`${srv.url}/dashboard`, t.body.token);
    await live.next("dashboard_update", { from: 0 });
    assert.equal((await call(srv.url, { token: t.body.token }, "GET", "/api/v1/me")).status, 200);
    assert.equal(await closedBy(live, 10_000), "token_expired");
    const r = await call(srv.url, { token: t.body.token }, "GET", "/api/v1/me");
    assert.deepEqual([r.status, r.body.code], [401, "token_expired"]);
    live.close();
  });

  it("accepts ?token= only on the live handshakes, never on other REST routes", async () => {
    const p = await person();
    for (const route of ["/api/v1/me", "/api/v1/dashboard", "/api/v1/events/dashboard"]) {
      const res = await fetch(`${srv.url}${route}?token=${p.token}`);
      const body = (await res.json()) as { code?: string };
      assert.deepEqual([res.status, body.code], [401, "token_in_query"], route);
    }
    const sse = await openSse(`${srv.url}/api/v1/sse/dashboard?token=${p.token}`);
    assert.equal(sse.res.status, 200);
    await sse.until((f) => f.event === "dashboard_update");
    await sse.close();
  });

  it("`npm run user -- disable` in another process closes the user's open socket on the running server", async (t) => {
    const p = await person();
    const bySession = await record(`${srv.url}/dashboard`, "", { cookie: p.cookie });
    const byToken = await record(`${srv.url}/dashboard`, p.token);
    await Promise.all([bySession.next("dashboard_update", { from: 0 }), byToken.next("dashboard_update", { from: 0 })]);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "rp-cli-"));
    try {
      const { stdout } = await run(process.execPath, ["dist/scripts/user.mjs", "disable", "--email", p.email], {
        env: { ...process.env, NODE_ENV: "production", DATABASE_URL: srv.databaseUrl, DATA_DIR: dataDir, LOG_LEVEL: "warn" },
      });
      assert.match(stdout, /disabled/);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
    const exited = Date.now();
    assert.equal(await closedBy(bySession), "account_disabled");
    assert.ok(["token_revoked", "account_disabled"].includes(await closedBy(byToken)));
    t.diagnostic(`both sockets closed ${Date.now() - exited} ms after the CLI exited`);
    const r = await call(srv.url, { token: p.token }, "GET", "/api/v1/me");
    assert.deepEqual([r.status, r.body.code], [401, "token_revoked"]);
    bySession.close();
    byToken.close();
  });
});
