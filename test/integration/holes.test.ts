// Behaviour the other suites left unchecked, each graded by something the server cannot
// influence (the database read directly, another client, the socket's own close):
// deleting a user (their rows and live sockets), `refresh` while on SSE or polling (a change made
// behind the app's back reaches the stream), the plain WebSocket quota endpoint's `throttle` and
// `quota_change`, and the metric families no other test scrapes. (Its drop of a client that never
// answers pings is in limits-docs.test.ts, with short heartbeat settings.)
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createDb } from "../../lib/db/client";
import { isTerminal } from "../../lib/contract/codes";
import { dashboardProblem } from "../support/oracle";
import { startServer, type TestServer } from "../support/server";
import { ADMIN, ANALYST, call, login } from "../support/http";
import { plainWs, type Frame } from "../support/plain-ws";
import { record, until } from "../support/socket";
import { openSse } from "../support/sse";

const METRICS_TOKEN = "holes-scrape-secret-0123456789";
const PASSWORD = "a long enough passphrase";

/** A sign-in with a wrong password, as the browser posts it; returns the HTTP status. */
async function failedLogin(base: string, email: string): Promise<number> {
  const csrfRes = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const jar = csrfRes.headers.getSetCookie().map((c) => c.split(";")[0]!);
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.join("; ") },
    body: new URLSearchParams({ csrfToken, email, password: "definitely not the password", json: "true" }),
  });
  await res.text();
  assert.ok(!res.headers.getSetCookie().some((c) => c.includes("session-token=")), "a wrong password never yields a session");
  return res.status;
}

/** Prometheus samples as `name{label="v",…}` (labels sorted) → value. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || line.startsWith("#")) continue;
    const labels = [...(m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((l) => `${l[1]}="${l[2]}"`).sort();
    out.set(`${m[1]}{${labels.join(",")}}`, Number(m[3]));
  }
  return out;
}

describe("holes: user deletion, refresh on every transport, plain WebSocket quota messages and silence, unscraped metrics", () => {
  let srv: TestServer;
  let admin: { cookie: string };
  let token: string;
  let wsUrl: (path: string) => string;
  const scrape = async () => {
    const res = await fetch(`${srv.url}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    assert.equal(res.status, 200);
    return samples(await res.text());
  };
  const metric = async (key: string) => (await scrape()).get(key) ?? 0;

  before(async () => {
    srv = await startServer({
      env: {
        METRICS_TOKEN,
        STATS_INTERVAL_MS: "1000",
        DASHBOARD_COALESCE_MS: "20",
        REFRESH_RATE_LIMIT: "3",
        REFRESH_RATE_WINDOW_MS: "60000",
        LOGIN_MAX_FAILURES_PER_ACCOUNT: "2",
      },
    });
    admin = { cookie: await login(srv.url, ADMIN) };
    token = (await call(srv.url, admin, "POST", "/api/v1/tokens", { name: "holes" })).body.token;
    wsUrl = (path) => `${srv.url.replace("http", "ws")}${path}`;
  });
  after(() => srv?.stop());

  it("DELETE /api/v1/users/:id removes the user with their sessions, tokens, quotas, executions, violations and alerts, keeps the audit trail, and closes their live sockets", async () => {
    const email = `leaving-${Date.now()}@x.test`;
    const u = (await call(srv.url, admin, "POST", "/api/v1/users", { email, name: "Leaving Person", role: "admin", password: PASSWORD }))
      .body;
    const cookie = await login(srv.url, { email, password: PASSWORD });
    const theirToken = (await call(srv.url, { cookie }, "POST", "/api/v1/tokens", { name: "theirs" })).body.token as string;
    // Rows of every kind that reference them: a quota, executions, violations and the alert they raise.
    await call(srv.url, admin, "PUT", "/api/v1/quotas", { user_id: u.id, command_type: "leaving", period: "daily", limit: 1 });
    assert.equal((await call(srv.url, { token: theirToken }, "POST", "/api/v1/commands", { command_type: "leaving" })).status, 200);
    for (let i = 0; i < 3; i++)
      assert.equal((await call(srv.url, { token: theirToken }, "POST", "/api/v1/commands", { command_type: "leaving" })).status, 429);

    const db = createDb(srv.databaseUrl);
    try {
      const rows = async () => ({
        user: await db.user.count({ where: { id: u.id } }),
        sessions: await db.session.count({ where: { userId: u.id } }),
        tokens: await db.apiToken.count({ where: { userId: u.id } }),
        quotas: await db.commandQuota.count({ where: { userId: u.id } }),
        executions: await db.commandExecution.count({ where: { userId: u.id } }),
        violations: await db.violation.count({ where: { userId: u.id } }),
        alerts: await db.alert.count({ where: { userId: u.id } }),
      });
      await until(async () => (await rows()).alerts > 0, 5000, "their alert raised");
      const before = await rows();
      assert.deepEqual(
        Object.entries(before)
          .filter(([, n]) => n === 0)
          .map(([k]) => k),
        [],
        "every kind of row exists before the delete",
      );

      // Live on both kinds of socket: Socket.IO with the session cookie, the plain WebSocket with the token.
      const dash = await record(`${srv.url}/dashboard`, "", { cookie });
      await dash.next("dashboard_update", { from: 0 });
      const plain = plainWs(wsUrl(`/ws/admin/quotas?token=${theirToken}`));
      await plain.opened();
      await plain.next((f) => f.type === "stats");
      const dashClosed = new Promise<void>((r) => dash.socket.once("disconnect", () => r()));

      assert.equal((await call(srv.url, admin, "DELETE", `/api/v1/users/${u.id}`)).status, 204);

      await dashClosed;
      const dashCode = (dash.messages.findLast((m) => m.type === "error")?.data as { code?: string } | undefined)?.code;
      assert.ok(isTerminal(dashCode), `the Socket.IO client was told a terminal code (got ${dashCode})`);
      await until(() => plain.closed() !== null, 3000, "the plain WebSocket closed");
      const plainErr = plain.frames.findLast((f) => f.type === "error");
      assert.ok(isTerminal(plainErr?.code), `the plain WebSocket was told a terminal code (got ${plainErr?.code})`);
      assert.ok(
        plain.closed()!.code >= 4400 && plain.closed()!.code < 4500,
        `closed with 4000 + a 4xx status (got ${plain.closed()!.code})`,
      );

      assert.deepEqual(await rows(), { user: 0, sessions: 0, tokens: 0, quotas: 0, executions: 0, violations: 0, alerts: 0 });
      const trail = await db.auditEntry.findMany({ where: { entity: "user", entityId: String(u.id) } });
      assert.ok(
        trail.some((e) => e.action === "deleted"),
        "the deletion is in the audit log",
      );
      assert.ok(
        (await db.auditEntry.count({ where: { actorId: u.id } })) > 0 &&
          (await db.auditEntry.findFirst({ where: { actorId: u.id } }))!.actorLabel === email,
        "what they did stays in the audit log under their e-mail",
      );
      assert.equal((await call(srv.url, { cookie }, "GET", "/api/v1/me")).status, 401, "their session is refused");
      assert.equal((await call(srv.url, { token: theirToken }, "GET", "/api/v1/me")).status, 401, "their token is refused");
      assert.equal((await call(srv.url, admin, "GET", `/api/v1/users/${u.id}`)).status, 404);
      dash.close();
    } finally {
      await db.$disconnect();
    }
  });

  /** Changes the top risk's title in the database directly, behind the app's back. */
  async function retitleTopRisk(title: string): Promise<number> {
    const snap = (await call(srv.url, admin, "GET", "/api/v1/dashboard")).body;
    const id = snap.top_risks[0].id as number;
    const db = createDb(srv.databaseUrl);
    try {
      await db.risk.update({ where: { id }, data: { title } });
    } finally {
      await db.$disconnect();
    }
    return id;
  }

  it("refresh while on SSE: the REST refresh re-reads the database, answers the snapshot, and the open stream gets the change as a patch", async () => {
    const analyst = { cookie: await login(srv.url, ANALYST) };
    const s = await openSse(`${srv.url}/api/v1/sse/dashboard`, analyst);
    await s.until((f) => f.event === "dashboard_update");
    const title = `Renamed behind the app's back (SSE) ${Date.now()}`;
    await retitleTopRisk(title);
    const r = await call(srv.url, analyst, "GET", "/api/v1/dashboard?refresh=1");
    assert.equal(r.status, 200);
    assert.ok(JSON.stringify(r.body.top_risks).includes(title), "the refreshed snapshot has the change");
    assert.equal(await dashboardProblem(srv.databaseUrl, r.body), null, "the refreshed snapshot is the database's");
    const patch = await s.until((f) => f.event === "dashboard_patch" && f.data!.includes(title));
    assert.equal(JSON.parse(patch.data!).data.version, r.body.version, "the stream's patch leads to the refreshed version");
    assert.equal(s.ended(), false, "the stream stays open");
    await s.close();
  });

  it("refresh while polling: the next poll has the change as a patch; past the limit the refresh is a 429 with Retry-After", async () => {
    const start = (await call(srv.url, admin, "GET", "/api/v1/events/dashboard")).body;
    assert.ok(start.next, "the first poll gives a cursor");
    const title = `Renamed behind the app's back (polling) ${Date.now()}`;
    await retitleTopRisk(title);
    const r = await call(srv.url, admin, "GET", "/api/v1/dashboard?refresh=1");
    assert.equal(r.status, 200);
    assert.equal(await dashboardProblem(srv.databaseUrl, r.body), null, "the refreshed snapshot is the database's");
    let patch: { data: { version: number } } | undefined;
    await until(
      async () => {
        const p = (await call(srv.url, admin, "GET", `/api/v1/events/dashboard?since=${encodeURIComponent(start.next)}`)).body;
        patch = p.messages?.find(
          (m: { type: string; data: unknown }) => m.type === "dashboard_patch" && JSON.stringify(m.data).includes(title),
        );
        return !!patch;
      },
      5000,
      "the poll returns the patch",
    );
    assert.equal(patch!.data.version, r.body.version);
    // REFRESH_RATE_LIMIT is 3 per minute per user: two more pass, the fourth is refused.
    for (let i = 0; i < 2; i++) assert.equal((await call(srv.url, admin, "GET", "/api/v1/dashboard?refresh=1")).status, 200);
    const limited = await call(srv.url, admin, "GET", "/api/v1/dashboard?refresh=1");
    assert.equal(limited.status, 429);
    assert.match(limited.body.error, /refresh rate limit/);
    assert.ok(Number(limited.headers.get("retry-after")) > 0, "Retry-After says when");
    assert.equal((await call(srv.url, admin, "GET", "/api/v1/dashboard")).status, 200, "a plain read is not limited");
  });

  it("/ws/admin/quotas pushes quota_change when a quota is set and throttle when a user's factor crosses 0.5 and 0, matching the REST answers", async () => {
    const c = plainWs(wsUrl(`/ws/admin/quotas?token=${token}`));
    await c.opened();
    const stats = await c.next((f) => f.type === "stats");
    const me = (await call(srv.url, { token }, "GET", "/api/v1/me")).body.id as number;
    const type = `thr${Date.now()}`;
    let from = c.frames.length;
    const put = await call(srv.url, { token }, "PUT", "/api/v1/quotas", { user_id: me, command_type: type, period: "daily", limit: 4 });
    assert.equal(put.status, 200);
    const change = await c.next((f) => f.type === "quota_change" && JSON.stringify(f.data).includes(type), from, 5000, "quota_change");
    assert.equal(change.client_id, stats.client_id);
    assert.match(JSON.stringify(change.data), /"limit":4/);
    assert.ok(typeof change.id === "string" && !Number.isNaN(Date.parse(change.timestamp as string)));

    from = c.frames.length;
    const factors: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await call(srv.url, { token }, "POST", "/api/v1/commands", { command_type: type });
      assert.equal(r.status, 200);
      factors.push(r.body.throttle_factor);
    }
    assert.deepEqual(factors, [1, 1, 0.5, 0], "the REST answers: free, free, throttled, blocked");
    const mine = (f: Frame) => f.type === "throttle" && f.data?.command_type === type;
    await c.next((f) => mine(f) && f.data!.throttle_factor === 0, from, 5000, "throttle to 0");
    const throttles = c.frames.slice(from).filter(mine);
    assert.deepEqual(
      throttles.map((f) => [f.data!.previous_factor, f.data!.throttle_factor, f.data!.band, f.data!.user_id]),
      [
        [1, 0.5, "throttled", me],
        [0.5, 0, "blocked", me],
      ],
      "one throttle per band crossed, none for the commands that stayed free",
    );
    assert.ok(
      throttles.every((f) => f.client_id === stats.client_id),
      "with the connection's client_id",
    );
    c.ws.close();
  });

  it("metrics no other test scrapes move with their cause: quota stats timing, login failures, unknown commands, connections closed by auth", async () => {
    const statsKey = "riskpulse_quota_stats_seconds_count{}";
    const before = await metric(statsKey);
    await until(async () => (await metric(statsKey)) > before, 5000, "quota stats computed again (every STATS_INTERVAL_MS)");

    const invalid = 'riskpulse_login_failures_total{reason="invalid"}';
    const throttled = 'riskpulse_login_failures_total{reason="throttled"}';
    const [i0, t0] = [await metric(invalid), await metric(throttled)];
    const who = `nobody-${Date.now()}@x.test`;
    await failedLogin(srv.url, who);
    assert.equal(await metric(invalid), i0 + 1, "a wrong password counts as invalid");
    await failedLogin(srv.url, who);
    await failedLogin(srv.url, who); // LOGIN_MAX_FAILURES_PER_ACCOUNT is 2: the third is throttled
    assert.equal(await metric(throttled), t0 + 1, "past the per-account limit counts as throttled");
    assert.equal(await metric(invalid), i0 + 2);

    const unknownKey = "riskpulse_unknown_commands_total{}";
    const u0 = await metric(unknownKey);
    const c = plainWs(wsUrl(`/api/v1/ws/dashboard?token=${token}`));
    await c.opened();
    await c.next((f) => f.type === "dashboard_update");
    c.send({ action: "launch_missiles" });
    await c.next((f) => f.type === "error" && f.code === "unknown_command");
    assert.equal(await metric(unknownKey), u0 + 1);
    c.ws.close();

    const revokedKey = 'riskpulse_connections_closed_by_auth_total{code="token_revoked"}';
    const r0 = await metric(revokedKey);
    const t = (await call(srv.url, admin, "POST", "/api/v1/tokens", { name: "to revoke for metrics" })).body;
    const sock = await record(`${srv.url}/dashboard`, t.token);
    const closed = new Promise<void>((r) => sock.socket.once("disconnect", () => r()));
    assert.equal((await call(srv.url, admin, "DELETE", `/api/v1/tokens/${t.id}`)).status, 200);
    await closed;
    assert.equal(await metric(revokedKey), r0 + 1, "one connection closed for a revoked token");
  });
});
