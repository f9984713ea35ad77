// The shared log's epoch in cluster mode: the Redis streams of this run's prefix are deleted under
// two live instances (as a flush or a failover to an empty replica would lose them); the next
// publish creates them again under a new epoch, and a client resuming with a cursor from before
// gets `resync` and a fresh snapshot — on Socket.IO, SSE, polling and the plain WebSocket, on
// either instance — and then the new patches.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createClient } from "redis";
import WebSocket from "ws";
import { redisUrl, startCluster, type TestCluster } from "../support/cluster";
import { ADMIN, call, login } from "../support/http";
import { record, until } from "../support/socket";
import { openSse } from "../support/sse";
import type { TestServer } from "../support/server";

describe("cluster: a lost stream starts a new epoch", () => {
  let cl: TestCluster;
  let a: TestServer, b: TestServer;
  let token: string;
  before(async () => {
    cl = await startCluster(2, { env: { DASHBOARD_COALESCE_MS: "20" } });
    [a, b] = cl.nodes as [TestServer, TestServer];
    const cookie = await login(a.url, ADMIN);
    token = (await call(a.url, { cookie }, "POST", "/api/v1/tokens", { name: "epoch" })).body.token;
  });
  after(() => cl?.stop());

  const epochOn = async (s: TestServer) =>
    (await call(s.url, { token }, "GET", "/api/ws/health")).body.broadcaster.message_log.dashboard.epoch as string;
  const change = (title: string) =>
    call(a.url, { token }, "POST", "/api/v1/risks", { title, severity: "critical", likelihood: 1, impact: 1 });
  const risksOn = async (s: TestServer) =>
    (await call(s.url, { token }, "GET", "/api/v1/events/dashboard")).body.snapshot.data.metrics.total_risks as number;

  it("old cursors get resync on every transport, then new patches arrive", async () => {
    // A cursor in the current log: the poll's position right after a patch.
    await change("Before the loss");
    let old = "";
    await until(async () => {
      const r = (await call(b.url, { token }, "GET", "/api/v1/events/dashboard")).body;
      old = r.next;
      return r.snapshot.data.metrics.total_risks > 0;
    });
    const before = await epochOn(a);
    const beforeOnB = await epochOn(b);

    // Lose the streams (only this run's keys), then publish into the new one.
    const redis = createClient({ url: redisUrl(), RESP: 2 });
    await redis.connect();
    try {
      for (const ch of ["dashboard", "quotas"]) await redis.sendCommand(["DEL", `${cl.prefix}:stream:${ch}`]);
    } finally {
      await redis.close();
    }
    const count = await risksOn(a);
    await change("After the loss");
    await until(async () => (await risksOn(a)) === count + 1 && (await risksOn(b)) === count + 1, 10_000, "both instances past the change");

    const polled = (await call(b.url, { token }, "GET", `/api/v1/events/dashboard?since=${encodeURIComponent(old)}`)).body;
    assert.deepEqual([polled.resync, polled.reason, polled.snapshot?.type], [true, "reset", "dashboard_update"], "polling");

    const sse = await openSse(`${a.url}/api/v1/sse/dashboard`, { authorization: `Bearer ${token}`, "last-event-id": old });
    await until(() => sse.frames.some((f) => f.event === "dashboard_update"), 10_000, "the SSE snapshot");
    const sseTypes = sse.frames.filter((f) => f.event).map((f) => f.event);
    assert.deepEqual(sseTypes.slice(0, 2), ["resync", "dashboard_update"], "SSE");
    sse.close();

    const plain = new WebSocket(
      `${b.url.replace("http", "ws")}/api/v1/ws/dashboard?token=${token}&last_event_id=${encodeURIComponent(old)}`,
    );
    const plainTypes: string[] = [];
    plain.on("message", (raw) => plainTypes.push((JSON.parse(raw.toString()) as { type: string }).type));
    await until(() => plainTypes.includes("dashboard_update"), 10_000, "the plain WebSocket snapshot");
    assert.deepEqual(plainTypes.slice(0, 2), ["resync", "dashboard_update"], "plain WebSocket");
    plain.close();

    const sock = await record(`${b.url}/dashboard`, token, { lastId: old });
    const resync = await sock.next("resync", { from: 0, timeoutMs: 10_000 });
    assert.equal((resync.data as { reason: string }).reason, "reset");
    const snapshot = await sock.next("dashboard_update", { from: 0 });
    assert.equal((snapshot.data as { metrics: { total_risks: number } }).metrics.total_risks, count + 1, "the snapshot is current");
    const from = sock.messages.length;
    await change("In the new epoch");
    const patch = await sock.next("dashboard_patch", { from, timeoutMs: 10_000 });
    assert.ok(JSON.stringify(patch.data).includes("In the new epoch"), "new patches arrive after the resync");
    sock.close();

    // One log, one epoch on both instances, before and after (checked last: the behaviour first).
    assert.ok(before, "the log had an epoch");
    assert.equal(beforeOnB, before);
    const now = await epochOn(a);
    assert.notEqual(now, before, "a new epoch");
    assert.equal(await epochOn(b), now, "both instances in it");

    // A cursor of the new epoch resumes normally (no resync).
    const again = (await call(a.url, { token }, "GET", `/api/v1/events/dashboard?since=${encodeURIComponent(patch.id)}`)).body;
    assert.ok(Array.isArray(again.messages) && again.resync === undefined, "a new cursor resumes");
  });
});
