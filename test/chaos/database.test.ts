// Chaos, database (PostgreSQL behind a TCP proxy the test owns): an outage (connections cut and
// refused for 10 s) and a hang (connections kept, no bytes forwarded). Requests fail fast with a
// clear 503 and Retry-After and no database text; liveness stays 200 while readiness says 503;
// open sockets stay open; the service recovers by itself; nothing acknowledged is lost.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createDb } from "../../lib/db/client";
import { ADMIN, call, login } from "../support/http";
import { startServer, type TestServer } from "../support/server";
import { record, sleep, until } from "../support/socket";
import { startProxy, type TcpProxy } from "../support/tcp-proxy";

const LEAKS = /postgres|prisma|5432|SELECT|INSERT|ECONN|127\.0\.0\.1|localhost|driver|adapter/i;
const TIMEOUT_MS = 1500;

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
}

describe("chaos: database outage and hang", { skip: process.env.TEST_DB !== "postgres" && "needs PostgreSQL" }, () => {
  let srv: TestServer;
  let pg: TcpProxy;
  let token: string;
  before(async () => {
    const target = new URL(process.env.TEST_PG_URL ?? "postgres://postgres@localhost:5432/test");
    pg = await startProxy({ host: target.hostname === "localhost" ? "127.0.0.1" : target.hostname, port: Number(target.port || 5432) });
    srv = await startServer({
      dbVia: (url) => {
        const u = new URL(url);
        u.host = `127.0.0.1:${pg.port}`;
        return u.toString();
      },
      env: { DB_STATEMENT_TIMEOUT_MS: String(TIMEOUT_MS), DB_CONNECT_TIMEOUT_MS: "1000" },
    });
    token = (await call(srv.url, { cookie: await login(srv.url, ADMIN) }, "POST", "/api/v1/tokens", { name: "outage" })).body.token;
  });
  after(async () => {
    await srv?.stop();
    await pg?.close();
  });

  const answers = async () => {
    const risks = await timed(() => call(srv.url, { token }, "GET", "/api/v1/risks"));
    const command = await timed(() => call(srv.url, { token }, "POST", "/api/v1/commands", { command_type: "outage" }));
    return { risks, command };
  };

  it("an outage: fast 503s with Retry-After, liveness up and readiness down, sockets kept, recovery by itself, nothing acknowledged lost", async () => {
    const acknowledged: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await call(srv.url, { token }, "POST", "/api/v1/commands", { command_type: "outage" });
      assert.equal(r.status, 200);
      acknowledged.push(i);
    }
    const socket = await record(`${srv.url}/dashboard`, token);
    pg.down();
    const downAt = Date.now();
    const during = await answers();
    for (const [what, a] of Object.entries(during)) {
      assert.equal(a.value.status, 503, `${what}: ${JSON.stringify(a.value.body)}`);
      assert.ok(Number(a.value.headers.get("retry-after")) > 0, `${what}: Retry-After`);
      assert.doesNotMatch(JSON.stringify(a.value.body), LEAKS, `${what}: no database details`);
      assert.ok(a.ms < TIMEOUT_MS * 2 + 500, `${what} answered in ${Math.round(a.ms)} ms`);
    }
    assert.equal((await call(srv.url, null, "GET", "/api/health")).status, 200, "liveness does not depend on the database");
    const ready = await call(srv.url, null, "GET", "/api/ready");
    assert.deepEqual([ready.status, ready.body.status, ready.body.checks.database.ok], [503, "degraded", false]);
    assert.doesNotMatch(JSON.stringify(ready.body), LEAKS);
    const health = await call(srv.url, { token }, "GET", "/api/ws/health");
    assert.equal(health.body.status, "degraded");
    // Signing in during the outage: a clear 503, no database text anywhere.
    const csrf = await fetch(`${srv.url}/api/auth/csrf`);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const signIn = await fetch(`${srv.url}/api/auth/callback/credentials`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        cookie: csrf.headers
          .getSetCookie()
          .map((c) => c.split(";")[0])
          .join("; "),
      },
      body: new URLSearchParams({ csrfToken, email: ADMIN.email, password: ADMIN.password, json: "true" }),
    });
    assert.equal(signIn.status, 503);
    assert.doesNotMatch(await signIn.text(), LEAKS);
    // Hold the outage for 10 s, then lift it.
    await sleep(Math.max(0, 10_000 - (Date.now() - downAt)));
    assert.equal(socket.socket.connected, true, "sockets stay open through the outage");
    pg.up();
    const upAt = Date.now();
    await until(async () => (await call(srv.url, { token }, "GET", "/api/v1/risks")).status === 200, 15_000, "recovered");
    const recoveredMs = Date.now() - upAt;
    assert.equal((await call(srv.url, null, "GET", "/api/ready")).status, 200);
    const db = createDb(srv.databaseUrl);
    const stored = await db.commandExecution.count({ where: { commandType: "outage", allowed: true } });
    await db.$disconnect();
    console.log(
      `CHAOS db-outage ${JSON.stringify({ outage_s: 10, risks_503_ms: Math.round(during.risks.ms), command_503_ms: Math.round(during.command.ms), recovered_ms: recoveredMs, acknowledged: acknowledged.length, stored })}`,
    );
    assert.equal(stored, acknowledged.length, "every acknowledged command is stored");
    assert.equal(socket.socket.connected, true);
    socket.close();
  });

  it("a hang: requests answer within the configured timeout, not the hang's length, and recover after", async () => {
    await call(srv.url, { token }, "GET", "/api/v1/risks"); // warm connections, then freeze them
    pg.hang();
    const during = await answers();
    for (const [what, a] of Object.entries(during)) {
      assert.equal(a.value.status, 503, `${what}: ${JSON.stringify(a.value.body)}`);
      assert.ok(a.ms < TIMEOUT_MS * 2 + 1000, `${what} answered in ${Math.round(a.ms)} ms (hang lasts 8 s)`);
    }
    await sleep(6000);
    pg.resume();
    const t0 = Date.now();
    await until(async () => (await call(srv.url, { token }, "GET", "/api/v1/risks")).status === 200, 15_000, "recovered after the hang");
    console.log(
      `CHAOS db-hang ${JSON.stringify({ timeout_ms: TIMEOUT_MS, risks_503_ms: Math.round(during.risks.ms), command_503_ms: Math.round(during.command.ms), recovered_ms: Date.now() - t0 })}`,
    );
  });
});
