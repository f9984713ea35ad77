// Cluster mode with two real instances (separate processes) on one PostgreSQL database and one
// Redis key prefix: messages cross instances, each change is one patch in the shared stream, SSE
// resumes on the other instance, clients survive losing an instance (and the leader), and a Redis
// outage loses nothing that was published.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { compareIds, cursorOf, parseId } from "../../lib/contract/ids";
import { check, socketClient, type StreamClient } from "../chaos/clients";
import {
  dashboardProblems,
  fullLog,
  riskIds,
  sameEnvelopes,
  settledLog,
  violationIdsSince,
  writer,
  writesMissingFrom,
} from "../support/oracle";
import { startCluster, type TestCluster } from "../support/cluster";
import { ADMIN, ANALYST, call, login } from "../support/http";
import { record, sleep, until } from "../support/socket";
import { openSse } from "../support/sse";
import { startProxy, type TcpProxy } from "../support/tcp-proxy";
import type { TestServer } from "../support/server";

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;

describe("cluster: two instances", () => {
  let cl: TestCluster;
  let a: TestServer, b: TestServer;
  let token: string, adminCookie: string;
  before(async () => {
    cl = await startCluster(2, {
      env: { ENABLE_TEST_ENDPOINTS: "1", STATS_INTERVAL_MS: "1000", DASHBOARD_COALESCE_MS: "20", MESSAGE_LOG_SIZE: "20000" },
    });
    [a, b] = cl.nodes as [TestServer, TestServer];
    adminCookie = await login(a.url, ADMIN);
    token = (await call(a.url, { cookie: adminCookie }, "POST", "/api/v1/tokens", { name: "cluster" })).body.token;
  });
  after(() => cl?.stop());

  const leaderOf = async (s: TestServer) => (await call(s.url, { token }, "GET", "/api/ws/health")).body.cluster.leader as string;

  it("a change through A reaches B's dashboards; a violation on A reaches B's admins with its alert; revoking a token on A closes its sockets on B", async () => {
    const dash = await record(`${b.url}/dashboard`, token);
    await dash.next("dashboard_update", { from: 0 });
    let from = dash.messages.length;
    await call(a.url, { token }, "POST", "/api/v1/risks", { title: "Made on A", severity: "critical", likelihood: 1, impact: 1 });
    assert.ok(JSON.stringify((await dash.next("dashboard_patch", { from })).data).includes("Made on A"));

    const admins = await record(`${b.url}/admin/quotas`, token);
    const me = (await call(a.url, { token }, "GET", "/api/v1/me")).body.id;
    await call(a.url, { token }, "PUT", "/api/v1/quotas", { user_id: me, command_type: "cross", period: "daily", limit: 0 });
    from = admins.messages.length;
    for (let i = 0; i < 3; i++)
      assert.equal((await call(a.url, { token }, "POST", "/api/v1/commands", { command_type: "cross" })).status, 429);
    await admins.next("violation", { from });
    const alert = await admins.next("alert", { from });
    assert.equal((alert.data as { user_id: number }).user_id, me);

    const t = (await call(a.url, { cookie: adminCookie }, "POST", "/api/v1/tokens", { name: "to revoke on A" })).body;
    const victim = await record(`${b.url}/dashboard`, t.token);
    let closed = false;
    victim.socket.once("disconnect", () => (closed = true));
    await call(a.url, { cookie: adminCookie }, "DELETE", `/api/v1/tokens/${t.id}`);
    // How fast is the benchmark's business; here: B closes it at all (a generous deadline).
    await until(() => closed, 15_000, "the revoked token's socket on B closed");
    assert.equal((victim.messages.findLast((m) => m.type === "error")?.data as { code: string }).code, "token_revoked");
    assert.equal((await call(b.url, { token: t.token }, "GET", "/api/v1/me")).status, 401, "and refused by B at once");
    [dash, admins].forEach((c) => c.close());
  });

  it("a risk's follower on B gets a change made on A, once; cut off, it resumes on A with exactly what it missed", async () => {
    const made = (
      await call(a.url, { token }, "POST", "/api/v1/risks", { title: "followed", severity: "low", likelihood: 0.2, impact: 0.2 })
    ).body as { id: number };
    const other = (
      await call(a.url, { token }, "POST", "/api/v1/risks", { title: "not followed", severity: "low", likelihood: 0.2, impact: 0.2 })
    ).body as { id: number };
    const follower = await record(`${b.url}/dashboard`, token, { risk: made.id, sections: ["metrics"] });
    await follower.next("dashboard_update", { from: 0 });
    await call(a.url, { token }, "PATCH", `/api/v1/risks/${made.id}`, { title: "changed on A" });
    const change = await follower.next("risk_change", { from: 0, timeoutMs: 15_000 });
    assert.equal((change.data as { risk: { title: string } }).risk.title, "changed on A");
    const cursor = follower.lastId!;
    follower.close();
    // A witness on A: the deletion is in A's log once it has it (a follower may name a deleted risk
    // only while its deletion is in the log).
    const witness = await record(`${a.url}/dashboard`, token, { risk: made.id, sections: ["metrics"] });
    await call(a.url, { token }, "PATCH", `/api/v1/risks/${other.id}`, { title: "other, changed on B" });
    await call(b.url, { token }, "PATCH", `/api/v1/risks/${made.id}`, { likelihood: 0.7 });
    await call(a.url, { token }, "DELETE", `/api/v1/risks/${made.id}`);
    await witness.next("risk_deleted", { from: 0, timeoutMs: 15_000 });
    witness.close();
    const back = await record(`${a.url}/dashboard`, token, { risk: made.id, lastId: cursor });
    await back.next("risk_deleted", { from: 0, timeoutMs: 15_000 });
    // A marker after it: anything doubled or late would come before it (test messages are not filtered).
    await call(b.url, { token }, "POST", "/api/ws/test-broadcast", { channel: "dashboard", data: { n: "risk end" } });
    await until(() => back.messages.some((m) => m.type === "test"), 15_000, "the marker");
    const perRisk = back.messages.filter((m) => m.type !== "test" && m.type !== "dashboard_patch");
    assert.deepEqual(
      perRisk.map((m) => m.type),
      ["risk_change", "score_point", "risk_deleted"],
      "exactly the missed messages of this risk, once, in order",
    );
    assert.ok(perRisk.every((m) => (m.data as { risk_id: number }).risk_id === made.id));
    assert.equal((perRisk[0]!.data as { risk: { likelihood: number } }).risk.likelihood, 0.7);
    back.close();
  });

  it("exactly one dashboard_patch per change in the shared stream, computed by the leader only", async () => {
    const head = (await call(a.url, { token }, "GET", "/api/v1/events/dashboard")).body.next as string;
    const ids = (await call(a.url, { token }, "GET", "/api/v1/risks?status=open&page_size=5")).body.items.map((r: { id: number }) => r.id);
    const log = async () =>
      (await call(b.url, { token }, "GET", `/api/v1/events/dashboard?since=${head}`)).body.messages as {
        type: string;
        data: { version: number; base_version: number; n?: string };
      }[];
    const patchesIn = (ms: Awaited<ReturnType<typeof log>>) => ms.filter((m) => m.type === "dashboard_patch");
    for (const [i, id] of ids.entries()) {
      await call(i % 2 ? a.url : b.url, { token }, "PATCH", `/api/v1/risks/${id}`, { likelihood: 0.11 + i / 100 });
      // The next change only once this one's patch is in the shared log: each its own recompute.
      await until(async () => patchesIn(await log()).length >= i + 1, 15_000, `the patch for change ${i + 1}`);
    }
    // A marker after the last patch, through the other instance: a second patch for any change
    // (the follower computing too) would be in the log by the time it is.
    await call(a.url, { token }, "POST", "/api/ws/test-broadcast", { channel: "dashboard", data: { n: "end" } });
    let messages = await log();
    await until(async () => (messages = await log()).some((m) => m.type === "test" && m.data.n === "end"), 15_000, "the marker");
    const patches = patchesIn(messages);
    assert.equal(patches.length, ids.length, "one patch per change, though both instances saw every change");
    for (let i = 1; i < patches.length; i++)
      assert.equal(patches[i]!.data.base_version, patches[i - 1]!.data.version, "a chain of versions");
    const [ha, hb] = await Promise.all([a, b].map(async (s) => (await call(s.url, { token }, "GET", "/api/ws/health")).body.broadcaster));
    assert.equal([ha, hb].filter((h) => h.leader).length, 1, "one leader");
    assert.equal((ha.leader ? hb : ha).dashboard.recomputes, 0, "the follower computes nothing");
  });

  it("SSE on B with a Last-Event-ID seen on A gets exactly the missed messages, once, in order", async () => {
    const onA = await openSse(`${a.url}/api/v1/sse/admin/quotas`, { authorization: `Bearer ${token}` });
    await call(a.url, { token }, "POST", "/api/ws/test-broadcast", { data: { n: 0 } });
    const seen = await onA.until((f) => f.event === "test" && JSON.parse(f.data!).data.n === 0);
    await onA.close();
    for (let n = 1; n <= 3; n++) await call(n % 2 ? a.url : b.url, { token }, "POST", "/api/ws/test-broadcast", { data: { n } });
    const onB = await openSse(`${b.url}/api/v1/sse/admin/quotas`, { authorization: `Bearer ${token}`, "last-event-id": seen.id! });
    await onB.until((f) => f.event === "test" && JSON.parse(f.data!).data.n === 3);
    // A marker after the replay: anything sent twice or late comes before it.
    await call(a.url, { token }, "POST", "/api/ws/test-broadcast", { data: { n: "end" } });
    await onB.until((f) => f.event === "test" && JSON.parse(f.data!).data.n === "end", 15_000);
    assert.deepEqual(
      onB.frames.filter((f) => f.event === "test").map((f) => JSON.parse(f.data!).data.n),
      [1, 2, 3, "end"],
    );
    assert.equal(
      onB.frames.some((f) => f.event === "resync"),
      false,
    );
    await onB.close();
  });

  it("kill -9 the instance holding 100 dashboard and 10 quota clients during changes: all go live on the other, nothing lost or doubled", async () => {
    const leader = await leaderOf(a);
    const [victim, survivor] = leader === "node-a" ? [a, b] : [b, a]; // lose the leader too
    const lb: TcpProxy = await startProxy([victim, survivor].map((s) => ({ host: "127.0.0.1", port: s.port })));
    const base = `http://127.0.0.1:${lb.port}`;
    const analyst = await login(survivor.url, ANALYST);
    const clients: StreamClient[] = [
      ...(await Promise.all(Array.from({ length: 50 }, (_, i) => socketClient(base, { token }, `dashboard (token) ${i}`)))),
      ...(await Promise.all(Array.from({ length: 50 }, (_, i) => socketClient(base, { cookie: analyst }, `dashboard (cookie) ${i}`)))),
    ];
    const quotaClients = await Promise.all(Array.from({ length: 10 }, (_, i) => socketClient(base, { token }, `quotas ${i}`, "quotas")));
    // Writes go to the survivor: none of them may fail. Violations too, one every 200 ms.
    const load = writer(survivor.url, token, await riskIds(a.databaseUrl, survivor.url, token), "failover", 50);
    const me = (await call(survivor.url, { token }, "GET", "/api/v1/me")).body.id;
    await call(survivor.url, { token }, "PUT", "/api/v1/quotas", { user_id: me, command_type: "failover", period: "daily", limit: 0 });
    const violations: { id: number; at: number }[] = [];
    let stopViolations = false;
    const violating = (async () => {
      while (!stopViolations) {
        const r = await call(survivor.url, { token }, "POST", "/api/v1/commands", { command_type: "failover" });
        assert.equal(r.status, 429, `a command over its quota answered ${r.status}`);
        violations.push({ id: r.body.violation.id, at: Date.now() });
        await sleep(200);
      }
    })();
    const more = (n: number) => {
      const target = load.acknowledged.length + n;
      return until(() => load.acknowledged.length >= target, 30_000, `${n} more writes acknowledged`);
    };
    await more(10);
    const killedAt = Date.now();
    await victim.crash(); // kill -9, then started again: the proxy sends clients to the survivor first
    const all = [...clients, ...quotaClients];
    await until(() => all.every((c) => c.connected() && c.connectedAt > killedAt), 30_000, "every client live again");
    const failover = all.map((c) => c.connectedAt - killedAt);
    // The leader was killed: these writes reach the log only if another instance took the lease.
    await more(20);
    await load.stop();
    stopViolations = true;
    await violating;
    const statsAfterKill = () =>
      quotaClients.every((c) => c.received.some((m) => m.type === "stats" && Date.parse(m.timestamp) > killedAt));
    await until(statsAfterKill, 30_000, "every quota client got stats computed after the kill");

    const byId = (c: StreamClient) => new Set(c.received.filter((m) => m.type === "violation").map((m) => (m.data as { id: number }).id));
    await until(
      () => quotaClients.every((c) => violations.every((v) => byId(c).has(v.id))),
      30_000,
      "every violation delivered to every quota client",
    );
    const dashLog = await settledLog(survivor.url, token, clients);
    const quotaLog = await fullLog(survivor.url, token, "quotas");
    const results = all.map((c) =>
      // A quota client is checked up to where it is (stats keep coming every second).
      check(c, c.channel === "dashboard" ? dashLog : quotaLog.filter((m) => !c.lastId || compareIds(m.id, cursorOf(c.lastId)) <= 0), null),
    );
    const truth = await dashboardProblems(a.databaseUrl, clients);
    const violationRows = await violationIdsSince(a.databaseUrl, violations[0]!.id);
    console.log(
      `CLUSTER failover ${JSON.stringify({ killed: victim === a ? "node-a (leader)" : "node-b (leader)", clients: all.length, writes: load.made, failed_writes: load.failures.length, violations: violations.length, failover_ms: { p50: pct(failover, 50), p99: pct(failover, 99), max: Math.max(...failover) }, messages: results.reduce((s, r) => s + r.messages, 0), lost: results.reduce((s, r) => s + r.missing, 0), duplicated: results.reduce((s, r) => s + r.duplicated, 0), resyncs: all.reduce((s, c) => s + c.resyncs, 0) })}`,
    );
    all.forEach((c) => c.close());
    await lb.close();
    for (const [i, r] of results.entries()) assert.deepEqual(r.problems, [], all[i]!.name);
    assert.deepEqual(sameEnvelopes(clients), [], "every dashboard client holds the same envelopes");
    assert.deepEqual(writesMissingFrom(dashLog, load.acknowledged), [], "every acknowledged write is in a patch");
    assert.deepEqual(truth, [], "every dashboard equals the database's");
    assert.deepEqual(
      load.failures.map((f) => f.why),
      [],
      "no write to the survivor failed",
    );
    assert.deepEqual(
      violationRows,
      violations.map((v) => v.id),
      "the violations delivered are the database's",
    );
    for (const c of quotaClients) {
      const got = c.received.filter((m) => m.type === "violation").map((m) => (m.data as { id: number }).id);
      const mine = got.filter((id) => id >= violations[0]!.id);
      assert.deepEqual(
        mine,
        [...new Set(mine)].sort((x, y) => x - y),
        `${c.name}: each violation once, in order`,
      );
    }
  });

  it("kill the leader: stats and patches continue from the other instance (the times are reported; the bench measures them)", async () => {
    const leader = (await leaderOf(a)) === "node-a" ? a : b;
    const other = leader === a ? b : a;
    const admins = await record(`${other.url}/admin/quotas`, token);
    const dash = await record(`${other.url}/dashboard`, token);
    await dash.next("dashboard_update", { from: 0 });
    // kill -9 and leave it down (crash() would relaunch it, and a quick relaunch can win the lease back).
    const exited = new Promise((r) => leader.proc.once("exit", r));
    leader.proc.kill("SIGKILL");
    await exited;
    const t0 = Date.now();
    const statsFrom = admins.messages.length;
    await admins.next("stats", { from: statsFrom, timeoutMs: 30_000 });
    const statsMs = Date.now() - t0;
    const from = dash.messages.length;
    const risk = (await call(other.url, { token }, "GET", "/api/v1/risks?status=open&page_size=1")).body.items[0];
    await call(other.url, { token }, "PATCH", `/api/v1/risks/${risk.id}`, { likelihood: 0.42 });
    await dash.next("dashboard_patch", { from, timeoutMs: 30_000 });
    console.log(`CLUSTER leader-failover ${JSON.stringify({ stats_after_ms: statsMs, patch_after_ms: Date.now() - t0 })}`);
    assert.equal(await leaderOf(other), other === a ? "node-a" : "node-b");
    [admins, dash].forEach((c) => c.close());
  });
});

describe("cluster: a Redis outage", () => {
  let cl: TestCluster;
  let redis: TcpProxy;
  before(async () => {
    const target = new URL(process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379");
    redis = await startProxy({ host: target.hostname === "localhost" ? "127.0.0.1" : target.hostname, port: Number(target.port || 6379) });
    cl = await startCluster(2, {
      redisVia: (url) => url.replace(/\/\/[^/]+/, `//127.0.0.1:${redis.port}`),
      env: { STATS_INTERVAL_MS: "1000", DASHBOARD_COALESCE_MS: "20" },
    });
  });
  after(async () => {
    await cl?.stop();
    await redis?.close();
  });

  it("no crash, every client keeps its connection, and what was published during the outage is delivered after it", async () => {
    const [a, b] = cl.nodes as [TestServer, TestServer];
    const token = (await call(a.url, { cookie: await login(a.url, ADMIN) }, "POST", "/api/v1/tokens", { name: "redis outage" })).body.token;
    const onA = await record(`${a.url}/admin/quotas`, token);
    const onB = await record(`${b.url}/admin/quotas`, token);
    const dashB = await record(`${b.url}/dashboard`, token);
    await dashB.next("dashboard_update", { from: 0 });
    const me = (await call(a.url, { token }, "GET", "/api/v1/me")).body.id;
    await call(a.url, { token }, "PUT", "/api/v1/quotas", { user_id: me, command_type: "outage", period: "daily", limit: 0 });
    await sleep(300);

    redis.down();
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await call(a.url, { token }, "POST", "/api/v1/commands", { command_type: "outage" });
      assert.equal(r.status, 429, "commands still answered: the database is fine");
      ids.push(r.body.violation.id);
    }
    const risk = (
      await call(a.url, { token }, "POST", "/api/v1/risks", {
        title: "Made during the Redis outage",
        severity: "critical",
        likelihood: 1,
        impact: 1,
      })
    ).body;
    await until(
      async () => (await call(b.url, { token }, "GET", "/api/ws/health")).body.status === "degraded",
      15_000,
      "health says degraded",
    );
    await sleep(10_000);
    assert.ok(
      [onA, onB, dashB].every((c) => c.socket.connected),
      "clients keep their connection",
    );
    assert.ok(
      [a, b].every((s) => s.proc.exitCode === null),
      "no instance crashed",
    );
    redis.up();

    for (const c of [onA, onB]) {
      for (const id of ids)
        await until(
          () => c.messages.some((m) => m.type === "violation" && (m.data as { id: number }).id === id),
          15_000,
          `violation ${id} delivered`,
        );
    }
    for (const c of [onA, onB]) {
      const got = c.messages.filter((m) => m.type === "violation").map((m) => (m.data as { id: number }).id);
      assert.deepEqual(
        got.filter((id) => ids.includes(id)),
        ids,
        "the outage's violations arrive once each, in order",
      );
      const logged = c.messages.filter((m) => parseId(m.id)?.[2] === -1).map((m) => m.id);
      assert.equal(new Set(logged).size, logged.length, "no envelope twice");
      for (let i = 1; i < logged.length; i++) assert.ok(compareIds(logged[i - 1]!, logged[i]!) < 0, "envelopes in log order");
    }
    await until(
      () => dashB.messages.some((m) => m.type === "dashboard_patch" && JSON.stringify(m.data).includes(risk.title)),
      15_000,
      "the risk made during the outage reaches B's dashboard",
    );
    await until(async () => (await call(b.url, { token }, "GET", "/api/ws/health")).body.status === "ok", 10_000, "health back to ok");
    [onA, onB, dashB].forEach((c) => c.close());
  });
});
