// Chaos, delivery: clients on every transport behind a TCP proxy the test owns, while risks keep
// changing, on the database under test (SQLite, the default deployment, and PostgreSQL). (1)
// Every connection is cut twice. (2) The server is restarted (SIGTERM, start again). (3) It is
// killed (-9) and started again. Graded by test/support/oracle.ts: per client, ids strictly
// increase with nothing missing or doubled; all clients hold the same envelopes; every
// acknowledged write is in a patch; every dashboard equals a fresh read of the database.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ADMIN, ANALYST, call, login } from "../support/http";
import { startServer, type TestServer } from "../support/server";
import { until } from "../support/socket";
import { startProxy, type TcpProxy } from "../support/tcp-proxy";
import { dashboardProblems, riskIds, settledLog, sameEnvelopes, writer, writesMissingFrom, type WriteTargets } from "../support/oracle";
import { check, pollClient, socketClient, sseClient, type StreamClient } from "./clients";

async function population(base: string, cookie: string, token: string) {
  return [
    ...(await Promise.all(Array.from({ length: 25 }, (_, i) => socketClient(base, { cookie }, `socket.io (cookie) ${i}`)))),
    ...(await Promise.all(Array.from({ length: 25 }, (_, i) => socketClient(base, { token }, `socket.io (token) ${i}`)))),
    ...(await Promise.all(Array.from({ length: 15 }, (_, i) => sseClient(base, token, `sse ${i}`)))),
    ...(await Promise.all(Array.from({ length: 10 }, (_, i) => pollClient(base, token, `polling ${i}`)))),
  ];
}

/**
 * The checks every scenario ends with, graded by what the server cannot influence: each client's
 * ids increase with nothing missing or twice against the log; all clients hold the same
 * envelopes; every acknowledged write is in some patch; every dashboard equals a fresh full read
 * of the database; and no write failed outside `allowedFailures` (the restart's window).
 */
async function verdict(
  srv: TestServer,
  token: string,
  clients: StreamClient[],
  load: ReturnType<typeof writer>,
  scenario: string,
  extra: object = {},
  allowedFailures: (at: number) => boolean = () => false,
) {
  const log = await settledLog(srv.url, token, clients);
  const results = clients.map((c) => check(c, log, null));
  const truth = await dashboardProblems(srv.databaseUrl, clients);
  report(scenario, clients, results, { ...extra, writes: load.made, failed_writes: load.failures.length });
  clients.forEach((c) => c.close());
  for (const [i, r] of results.entries()) assert.deepEqual(r.problems, [], clients[i]!.name);
  assert.deepEqual(sameEnvelopes(clients), [], "every client holds the same envelopes");
  assert.deepEqual(writesMissingFrom(log, load.acknowledged), [], "every acknowledged write is in a patch");
  assert.deepEqual(truth, [], "every dashboard equals the database's");
  assert.deepEqual(
    load.failures.filter((f) => !allowedFailures(f.at)).map((f) => f.why),
    [],
    "no write failed",
  );
  assert.ok(load.acknowledged.length > 10, `only ${load.acknowledged.length} writes acknowledged`);
}

function report(scenario: string, clients: StreamClient[], results: ReturnType<typeof check>[], extra: object = {}) {
  const by: Record<string, { clients: number; reconnects: number; messages: number; lost: number; duplicated: number; resyncs: number }> =
    {};
  clients.forEach((c, i) => {
    const kind = c.name.replace(/ \d+$/, "");
    const r = results[i]!;
    const b = (by[kind] ??= { clients: 0, reconnects: 0, messages: 0, lost: 0, duplicated: 0, resyncs: 0 });
    b.clients++;
    b.reconnects += c.reconnects;
    b.messages += r.messages;
    b.lost += r.missing;
    b.duplicated += r.duplicated;
    b.resyncs += c.resyncs;
  });
  console.log(`CHAOS ${scenario} ${JSON.stringify({ ...extra, ...by })}`);
}

describe("chaos: delivery through drops, a restart and a kill -9", () => {
  let srv: TestServer;
  let proxy: TcpProxy;
  let token: string, cookie: string;
  let ids: WriteTargets;
  before(async () => {
    srv = await startServer({ env: { MESSAGE_LOG_SIZE: "20000", DASHBOARD_COALESCE_MS: "20", ENABLE_TEST_ENDPOINTS: "1" } });
    proxy = await startProxy({ host: "127.0.0.1", port: srv.port });
    const admin = await login(srv.url, ADMIN);
    token = (await call(srv.url, { cookie: admin }, "POST", "/api/v1/tokens", { name: "chaos" })).body.token;
    cookie = await login(srv.url, ANALYST);
    ids = await riskIds(srv.databaseUrl, srv.url, token);
  });
  after(async () => {
    await proxy?.close();
    await srv?.stop();
  });
  const base = () => `http://127.0.0.1:${proxy.port}`;
  /** Waits until `load` has `n` more acknowledged writes than now. */
  const more = (load: ReturnType<typeof writer>, n: number) => {
    const target = load.acknowledged.length + n;
    return until(() => load.acknowledged.length >= target, 30_000, `${n} more writes acknowledged`);
  };

  it("cut every connection twice during changes: nothing lost, nothing twice, every dashboard right", async () => {
    const clients = await population(base(), cookie, token);
    const load = writer(srv.url, token, ids, "cut"); // straight to the server: no write may fail
    await more(load, 10);
    const streams = clients.filter((x) => !x.name.startsWith("polling"));
    const cut1 = proxy.cut();
    await until(() => streams.every((c) => c.reconnects >= 1), 30_000, "every stream reconnected after the first cut");
    await more(load, 10);
    const cut2 = proxy.cut();
    await until(() => streams.every((c) => c.reconnects >= 2), 30_000, "every stream reconnected after the second cut");
    await more(load, 10);
    await load.stop();
    await verdict(srv, token, clients, load, "cut-twice", { connections_cut: cut1 + cut2 });
  });

  it("restart the server during changes: every client resumes where it was, without a resync", async () => {
    const clients = await population(base(), cookie, token);
    const before = (await call(srv.url, { token }, "GET", "/api/v1/dashboard")).body.version;
    const load = writer(srv.url, token, ids, "restart");
    await more(load, 10);
    const down = Date.now();
    await srv.restart();
    const up = Date.now();
    await more(load, 10);
    await load.stop();
    await verdict(srv, token, clients, load, "restart", { down_ms: up - down }, (at) => at >= down && at <= up + 1000);
    assert.equal(
      clients.reduce((s, c) => s + c.resyncs, 0),
      0,
      "nobody had to start over",
    );
    const after = (await call(srv.url, { token }, "GET", "/api/v1/dashboard")).body.version;
    assert.ok(after > before, "versions continue across the restart");
  });

  it("kill -9 the server during changes: every client resumes, every acknowledged write reaches every client", async () => {
    const clients = await population(base(), cookie, token);
    const load = writer(srv.url, token, ids, "crash");
    await more(load, 10);
    const down = Date.now();
    await srv.crash();
    const up = Date.now();
    await more(load, 10);
    await load.stop();
    await verdict(srv, token, clients, load, "kill-9", { down_ms: up - down }, (at) => at >= down && at <= up + 1000);
  });
});
