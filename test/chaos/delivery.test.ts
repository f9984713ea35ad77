// Chaos, delivery: clients on every transport behind a TCP proxy the test owns, while risks keep
// changing. (1) Every connection is cut twice. (2) The server is restarted (SIGTERM, start
// again). Per client: ids strictly increase, nothing is missing or doubled against the server's
// log, and the dashboard it holds equals GET /api/v1/dashboard; after the restart nobody resyncs.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { cursorOf } from "../../lib/realtime/ids";
import { ADMIN, ANALYST, call, login } from "../support/http";
import { startServer, type TestServer } from "../support/server";
import { sleep, until } from "../support/socket";
import { startProxy, type TcpProxy } from "../support/tcp-proxy";
import { check, pollClient, socketClient, sseClient, type StreamClient } from "./clients";

async function population(base: string, cookie: string, token: string) {
  return [
    ...(await Promise.all(Array.from({ length: 25 }, (_, i) => socketClient(base, { cookie }, `socket.io (cookie) ${i}`)))),
    ...(await Promise.all(Array.from({ length: 25 }, (_, i) => socketClient(base, { token }, `socket.io (token) ${i}`)))),
    ...(await Promise.all(Array.from({ length: 15 }, (_, i) => sseClient(base, token, `sse ${i}`)))),
    ...(await Promise.all(Array.from({ length: 10 }, (_, i) => pollClient(base, token, `polling ${i}`)))),
  ];
}

/** Edits risks every `everyMs` until stopped, through the server directly (not the proxy). */
function changes(srv: TestServer, token: string, ids: number[], everyMs = 40) {
  let stop = false;
  let made = 0;
  const done = (async () => {
    for (let i = 0; !stop; i++) {
      const id = ids[i % ids.length]!;
      const r = await call(srv.url, { token }, "PATCH", `/api/v1/risks/${id}`, {
        likelihood: Math.round((0.2 + (i % 7) / 10) * 100) / 100,
      }).catch(() => null);
      if (r?.status === 200) made++;
      await sleep(everyMs);
    }
  })();
  return {
    stop: async () => {
      stop = true;
      await done;
      return made;
    },
  };
}

async function settle(srv: TestServer, token: string, clients: StreamClient[]) {
  const last = async () =>
    (await call(srv.url, { token }, "GET", "/api/ws/health")).body.broadcaster.message_log.dashboard.last_id as string;
  await until(
    async () => {
      const id = await last();
      return clients.every((c) => c.lastId && cursorOf(c.lastId) === id);
    },
    15_000,
    "every client caught up with the log",
  );
  const log = (await call(srv.url, { token }, "GET", "/api/v1/events/dashboard?since=0-0")).body.messages;
  const dashboard = (await call(srv.url, { token }, "GET", "/api/v1/dashboard")).body;
  return { log, dashboard };
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

describe("chaos: delivery through drops and a restart", () => {
  let srv: TestServer;
  let proxy: TcpProxy;
  let token: string, cookie: string;
  let riskIds: number[];
  before(async () => {
    srv = await startServer({ env: { MESSAGE_LOG_SIZE: "20000", DASHBOARD_COALESCE_MS: "20", ENABLE_TEST_ENDPOINTS: "1" } });
    proxy = await startProxy({ host: "127.0.0.1", port: srv.port });
    const admin = await login(srv.url, ADMIN);
    token = (await call(srv.url, { cookie: admin }, "POST", "/api/v1/tokens", { name: "chaos" })).body.token;
    cookie = await login(srv.url, ANALYST);
    riskIds = (await call(srv.url, { token }, "GET", "/api/v1/risks?status=open&page_size=40")).body.items.map((r: { id: number }) => r.id);
  });
  after(async () => {
    await proxy?.close();
    await srv?.stop();
  });

  it("cut every connection twice during changes: nothing lost, nothing twice, every dashboard right", async () => {
    const base = `http://127.0.0.1:${proxy.port}`;
    const clients = await population(base, cookie, token);
    const load = changes(srv, token, riskIds);
    await sleep(2000);
    const cut1 = proxy.cut();
    await sleep(2000);
    const cut2 = proxy.cut();
    await sleep(2000);
    const made = await load.stop();
    const { log, dashboard } = await settle(srv, token, clients);
    const results = clients.map((c) => check(c, log, dashboard));
    report("cut-twice", clients, results, { changes: made, connections_cut: cut1 + cut2 });
    clients.forEach((c) => c.close());
    for (const [i, r] of results.entries()) assert.deepEqual(r.problems, [], clients[i]!.name);
    for (const c of clients.filter((x) => !x.name.startsWith("polling")))
      assert.ok(c.reconnects >= 2, `${c.name} reconnected ${c.reconnects} times`);
    assert.ok(made > 50);
  });

  it("restart the server during changes: every client resumes where it was, without a resync", async () => {
    const base = `http://127.0.0.1:${proxy.port}`;
    const clients = await population(base, cookie, token);
    const before = (await call(srv.url, { token }, "GET", "/api/v1/dashboard")).body.version;
    const load = changes(srv, token, riskIds);
    await sleep(1500);
    await srv.restart();
    await sleep(1500);
    const made = await load.stop();
    const { log, dashboard } = await settle(srv, token, clients);
    const results = clients.map((c) => check(c, log, dashboard));
    report("restart", clients, results, { changes: made, versions: `${before}→${dashboard.version}` });
    clients.forEach((c) => c.close());
    for (const [i, r] of results.entries()) assert.deepEqual(r.problems, [], clients[i]!.name);
    assert.equal(
      clients.reduce((s, c) => s + c.resyncs, 0),
      0,
      "nobody had to start over",
    );
    assert.ok(dashboard.version > before, "versions continue across the restart");
  });
});
