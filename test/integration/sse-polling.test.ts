// SSE and polling through the running production server, with plain HTTP clients.
import assert from "node:assert/strict";
import net from "node:net";
import { after, before, describe, it } from "node:test";
import { startServer, type TestServer } from "../support/server";
import { ADMIN, ANALYST, call, login } from "../support/http";
import { openSse } from "../support/sse";
import { until } from "../support/socket";

describe("SSE and polling", () => {
  let srv: TestServer;
  let admin: { cookie: string }, analyst: { cookie: string }, token: string;
  const health = async () => (await call(srv.url, admin, "GET", "/api/ws/health")).body;
  const addRisk = (title: string) =>
    call(srv.url, admin, "POST", "/api/v1/risks", { title, severity: "critical", likelihood: 1, impact: 1 });

  before(async () => {
    srv = await startServer({
      env: {
        DASHBOARD_COALESCE_MS: "20",
        ENABLE_TEST_ENDPOINTS: "1",
        MESSAGE_LOG_SIZE: "50",
        SSE_HEARTBEAT_MS: "500",
        MAX_CONNECTIONS: "250", // the dashboard channel is capped too: 200 streams at once below
        SLOW_CLIENT_MAX_QUEUE: "20",
        // Only the snapshot's stats: a periodic one would land among the replayed messages below.
        STATS_INTERVAL_MS: "3600000",
      },
    });
    admin = { cookie: await login(srv.url, ADMIN) };
    analyst = { cookie: await login(srv.url, ANALYST) };
    token = (await call(srv.url, admin, "POST", "/api/v1/tokens", { name: "sse" })).body.token;
  });
  after(() => srv?.stop());

  it("streams the snapshot, then live envelopes, unbuffered, with a retry hint and heartbeats", async () => {
    const s = await openSse(`${srv.url}/api/v1/sse/dashboard`, { cookie: analyst.cookie });
    assert.equal(s.res.status, 200);
    assert.equal(s.res.headers.get("content-type"), "text/event-stream; charset=utf-8");
    assert.equal(s.res.headers.get("cache-control"), "no-cache, no-transform");
    assert.equal(s.res.headers.get("content-encoding"), null);
    assert.equal((await s.until((f) => f.retry !== undefined)).retry, 3000);
    const first = await s.until((f) => f.event === "dashboard_update");
    const env = JSON.parse(first.data!);
    assert.equal(env.id, first.id);
    await addRisk("Seen over SSE");
    const patch = await s.until((f) => f.event === "dashboard_patch");
    assert.ok(patch.data!.includes("Seen over SSE"));
    assert.equal(JSON.parse(patch.data!).type, "dashboard_patch");
    await s.until((f) => f.comment?.startsWith("heartbeat") ?? false, 2000);
    await s.close();
  });

  it("replays what a client missed after Last-Event-ID, in order and once, or says it must resync", async () => {
    const s = await openSse(`${srv.url}/api/v1/sse/admin/quotas`, { authorization: `Bearer ${token}` });
    await s.until((f) => f.event === "stats");
    await call(srv.url, admin, "POST", "/api/ws/test-broadcast", { data: { n: 0 } });
    const seen = await s.until((f) => f.event === "test");
    await s.close();
    for (let n = 1; n <= 3; n++) await call(srv.url, admin, "POST", "/api/ws/test-broadcast", { data: { n } });

    const back = await openSse(`${srv.url}/api/v1/sse/admin/quotas`, { authorization: `Bearer ${token}`, "last-event-id": seen.id! });
    await back.until((f) => f.event === "test" && JSON.parse(f.data!).data.n === 3);
    // A marker sent after the replay: anything the resume sends twice or late comes before it.
    await call(srv.url, admin, "POST", "/api/ws/test-broadcast", { data: { n: "end" } });
    await back.until((f) => f.event === "test" && JSON.parse(f.data!).data.n === "end", 10_000);
    const replayed = back.frames.filter((f) => f.event === "test").map((f) => JSON.parse(f.data!).data.n);
    assert.deepEqual(replayed, [1, 2, 3, "end"]);
    assert.equal(
      back.frames.some((f) => f.event === "stats" || f.event === "resync"),
      false,
      "a replay, not a snapshot",
    );
    await back.close();

    // The log keeps 50 messages: an id from before them cannot be replayed.
    await call(srv.url, admin, "POST", "/api/ws/test-broadcast", { data: { n: 99 }, count: 60 });
    const old = await openSse(`${srv.url}/api/v1/sse/admin/quotas?lastEventId=${encodeURIComponent(seen.id!)}`, {
      authorization: `Bearer ${token}`,
    });
    const resync = await old.until((f) => f.event === "resync");
    assert.equal(JSON.parse(resync.data!).data.reason, "too_old");
    await old.until((f) => f.event === "stats");
    await old.close();
  });

  it("applies the namespaces' auth rules to the streams", async () => {
    assert.equal((await fetch(`${srv.url}/api/v1/sse/dashboard`)).status, 401);
    assert.equal((await fetch(`${srv.url}/api/v1/sse/admin/quotas`, { headers: { cookie: analyst.cookie } })).status, 403);
    assert.equal((await fetch(`${srv.url}/api/v1/sse/dashboard?token=rp_forged`)).status, 401);
    const ok = await fetch(`${srv.url}/api/v1/sse/dashboard?token=${token}`);
    assert.equal(ok.status, 200);
    await ok.body?.cancel();
  });

  it("releases every stream and its listener when clients go away (200 connect-and-drop)", async () => {
    const base = await health();
    const streams = await Promise.all(
      Array.from({ length: 200 }, () => openSse(`${srv.url}/api/v1/sse/dashboard`, { authorization: `Bearer ${token}` })),
    );
    await Promise.all(streams.map((s) => s.until((f) => f.event === "dashboard_update")));
    const during = await health();
    assert.equal(during.broadcaster.sse_streams.dashboard, 200);
    assert.equal(during.broadcaster.sinks.dashboard, base.broadcaster.sinks.dashboard + 200);
    await Promise.all(streams.map((s) => s.close()));
    let now = await health();
    await until(async () => (now = await health()).broadcaster.sse_streams.dashboard === 0, 15_000, "every stream released");
    assert.equal(now.broadcaster.sinks.dashboard, base.broadcaster.sinks.dashboard);
  });

  it("answers HEAD with the headers only: 1,000 HEADs leave no stream behind and take no slot", async () => {
    const base = await health();
    for (let i = 0; i < 1000; i += 100) {
      const res = await Promise.all(
        Array.from({ length: 100 }, () =>
          fetch(`${srv.url}/api/v1/sse/admin/quotas`, { method: "HEAD", headers: { authorization: `Bearer ${token}` } }),
        ),
      );
      assert.ok(res.every((r) => r.status === 200 && r.headers.get("content-type") === "text/event-stream; charset=utf-8"));
    }
    const now = await health();
    assert.deepEqual(
      [now.broadcaster.sse_streams.quotas, now.broadcaster.sinks.quotas],
      [base.broadcaster.sse_streams.quotas, base.broadcaster.sinks.quotas],
    );
    const s = await openSse(`${srv.url}/api/v1/sse/admin/quotas`, { authorization: `Bearer ${token}` });
    assert.equal(s.res.status, 200, "MAX_CONNECTIONS (250) is not used up");
    await s.close();
  });

  it("drops an SSE client that stopped reading, and frees its connection", async () => {
    const sock = net.connect(srv.port, "127.0.0.1");
    await new Promise((r) => sock.once("connect", r));
    let closed = false;
    sock.on("close", () => (closed = true)).on("error", () => {});
    sock.write(
      `GET /api/v1/sse/dashboard HTTP/1.1\r\nHost: 127.0.0.1:${srv.port}\r\nAuthorization: Bearer ${token}\r\nAccept: text/event-stream\r\n\r\n`,
    );
    await until(async () => (await health()).broadcaster.sse_streams.dashboard === 1);
    sock.pause(); // from now on nothing is read
    const before = (await health()).broadcaster.slow_client_evictions;
    const big = { blob: "x".repeat(100_000) };
    for (let i = 0; i < 9 && !closed; i++)
      await call(srv.url, admin, "POST", "/api/ws/test-broadcast", { channel: "dashboard", data: big, count: 100 });
    await until(async () => (await health()).broadcaster.sse_streams.dashboard === 0, 10_000, "the stalled stream released");
    assert.ok((await health()).broadcaster.slow_client_evictions > before);
    await until(async () => (await health()).http.sse_sockets === 0, 5000, "its socket destroyed while the client still reads nothing");
    sock.resume(); // read what the kernel still holds: then the end the server sent
    await until(() => closed, 10_000, "the stalled socket closed by the server");
  });

  it("polls with a cursor: a snapshot first, then exactly the messages after it", async () => {
    const first = await call(srv.url, { token }, "GET", "/api/v1/events/dashboard");
    assert.equal(first.body.snapshot.type, "dashboard_update");
    assert.deepEqual(first.body.messages, []);
    const cursor = first.body.next;
    assert.equal((await call(srv.url, { token }, "GET", `/api/v1/events/dashboard?since=${cursor}`)).body.messages.length, 0);
    const poll = async () => (await call(srv.url, { token }, "GET", `/api/v1/events/dashboard?since=${cursor}`)).body;
    await addRisk("Polled 1");
    await until(async () => (await poll()).messages.length >= 1, 10_000, "the first patch"); // each change its own patch
    await addRisk("Polled 2");
    await until(async () => (await poll()).messages.length >= 2, 10_000, "the second patch");
    // A marker after both: a third patch (or any other message) would come before it.
    await call(srv.url, admin, "POST", "/api/ws/test-broadcast", { channel: "dashboard", data: { n: "end" } });
    let next = await poll();
    await until(async () => (next = await poll()).messages.some((m: { type: string }) => m.type === "test"), 10_000, "the marker");
    assert.deepEqual(
      next.messages.map((m: { type: string }) => m.type),
      ["dashboard_patch", "dashboard_patch", "test"],
    );
    const [v1, v2] = next.messages.map((m: { data: { version: number } }) => m.data.version);
    assert.equal(v2, v1 + 1, "consecutive versions");
    assert.equal(next.next, next.messages[2].id);
    assert.equal((await call(srv.url, { token }, "GET", `/api/v1/events/dashboard?since=${next.next}`)).body.messages.length, 0);
    const junk = await call(srv.url, { token }, "GET", "/api/v1/events/dashboard?since=nonsense");
    assert.deepEqual([junk.body.resync, junk.body.reason, junk.body.snapshot.type], [true, "invalid", "dashboard_update"]);
    assert.equal((await call(srv.url, analyst, "GET", "/api/v1/events/quotas")).status, 403);
    assert.equal((await call(srv.url, { token }, "GET", "/api/v1/events/nope")).status, 404);
  });
});
