// The real-time core without a transport: envelope ids, the persisted channel log (replay, floor,
// restart), the catch-up gate every transport uses, and the dashboard feed's coalescing.
import assert from "node:assert/strict";
import { after, before, describe, it, mock } from "node:test";
import { Channel, type Logged } from "../../lib/realtime/channel";
import { DashboardFeed, type DashboardChange } from "../../lib/realtime/dashboard/feed";
import { DashboardProjection } from "../../lib/realtime/dashboard/projection";
import { compareIds, cursorOf, directId, OffsetGenerator, parseId } from "../../lib/contract/ids";
import { SqlLogBackend } from "../../lib/realtime/log/sql-backend";
import { StatsProjection } from "../../lib/realtime/quotas/projection";
import { NotificationsProjection } from "../../lib/realtime/notifications/feed";
import { silentLogger } from "../../lib/log";
import type { DashboardSnapshot } from "../../lib/domain/dashboard/snapshot";
import { testDb } from "../support/db";

const until = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe("envelope ids", () => {
  it("increase strictly, even within one millisecond or if the clock steps back, and continue after a restart", () => {
    const g = new OffsetGenerator();
    const [a, b, c, d] = [g.next(1000), g.next(1000), g.next(999), g.next(1001)];
    assert.deepEqual([a, b, c, d], ["1000-0", "1000-1", "1000-2", "1001-0"]);
    assert.ok(compareIds(a, b) < 0 && compareIds(b, c) < 0 && compareIds(c, d) < 0);
    assert.ok(compareIds("10-0", "9-5") > 0, "numeric, not lexical");
    assert.equal(new OffsetGenerator("5000-3").next(10), "5000-4", "a restarted generator continues after the stored position");
  });
  it("give one-client messages unique ids that sort between their offset and the next", () => {
    const x = directId("1000-2");
    const y = directId("1000-2");
    assert.notEqual(x, y);
    assert.equal(cursorOf(x), "1000-2");
    assert.ok(compareIds("1000-2", x) < 0 && compareIds(x, "1000-3") < 0 && compareIds(x, y) < 0);
    assert.equal(parseId("1-2-3-4"), null);
    assert.equal(parseId("nonsense"), null);
  });
});

describe("a channel over the persisted log", () => {
  let t: Awaited<ReturnType<typeof testDb>>;
  before(async () => (t = await testDb("channel")));
  after(() => t.close());

  async function open(capacity = 5) {
    const backend = new SqlLogBackend(t.db, capacity, silentLogger);
    const channel = new Channel("quotas", capacity, backend, new StatsProjection());
    const dash = new Channel("dashboard", capacity, backend, new DashboardProjection());
    const notifications = new Channel("notifications", capacity, backend, new NotificationsProjection());
    const restored = await backend.start({ quotas: channel, dashboard: dash, notifications });
    return { backend, channel, dash, restored };
  }
  const data = (ms: Logged[]) => ms.map((m) => (m.envelope.data as { n: number }).n);

  it("replays what came after a cursor, in order, once; says too_old past the log and invalid for foreign ids", async () => {
    const { channel, backend } = await open(5);
    const sent: Logged[] = [];
    for (let n = 1; n <= 3; n++) sent.push(await channel.publish("test", { n }));
    const c = await channel.catchUp(sent[0]!.envelope.id);
    assert.equal(c.kind, "messages");
    assert.deepEqual(c.kind === "messages" && data(c.messages), [2, 3]);
    assert.equal(c.kind === "messages" && c.covered, sent[2]!.envelope.id);
    for (let n = 4; n <= 120; n++) await channel.publish("test", { n }); // past the capacity and a prune
    // No stats yet, so the snapshot waits (the feed makes one at start): still pending after a
    // database round trip, and answered with the stats that arrive afterwards.
    let settled = false;
    const waiting = channel.catchUp(sent[0]!.envelope.id).finally(() => (settled = true));
    await t.db.realtimeMessage.count();
    assert.equal(settled, false, "the catch-up waits for a snapshot");
    channel.projection.apply({ type: "stats", id: "1-0", timestamp: "", data: { total_users: 7 } as never });
    const r = await waiting;
    assert.deepEqual(
      [
        r.kind,
        r.kind === "snapshot" && r.reason,
        r.kind === "snapshot" && (r.snapshot.envelope.data as { total_users: number }).total_users,
      ],
      ["snapshot", "too_old", 7],
    );
    assert.equal((await channel.catchUp("999999999999999-0")).kind === "snapshot" && "invalid", "invalid");
    assert.equal((await channel.catchUp("garbage")).kind === "snapshot" && "invalid", "invalid");
    await backend.stop(); // the last prune (after the 120th message) has finished
    const rows = await t.db.realtimeMessage.findMany({ where: { channel: "quotas" }, orderBy: [{ ms: "asc" }, { seq: "asc" }] });
    assert.deepEqual(
      rows.map((row) => (JSON.parse(row.json) as { data: { n: number } }).data.n),
      [116, 117, 118, 119, 120],
      "pruned to the capacity, newest kept",
    );
  });

  it("keeps the log, its position and the dashboard state across a restart, so a client resumes without a resync", async () => {
    const first = await open(50);
    const before = await first.channel.publish("test", { n: 1 });
    const snap = { version: 12, snapshot: { metrics: { total_risks: 7 } } as unknown as DashboardSnapshot };
    await first.dash.publish("dashboard_patch", { version: 12, base_version: 11, patch: [] }, { state: snap });
    const missed = await first.channel.publish("test", { n: 2 });
    await first.backend.stop();

    const second = await open(50);
    assert.deepEqual(second.restored.dashboard.state, snap, "the dashboard's snapshot, stored with its patch");
    assert.equal(second.channel.lastId, cursorOf(missed.envelope.id));
    const c = await second.channel.catchUp(before.envelope.id);
    assert.deepEqual(c.kind === "messages" && data(c.messages), [2]);
    const next = await second.channel.publish("test", { n: 3 });
    assert.ok(compareIds(next.envelope.id, missed.envelope.id) > 0, "ids continue after the stored position");
    await second.backend.stop();
  });

  it("attach: the first snapshot precedes everything, and messages published during the catch-up arrive once, in order", async () => {
    const { channel, backend } = await open(100);
    channel.projection.apply({ type: "stats", id: "1-0", timestamp: "", data: { total_users: 1 } as never });
    const got: Logged[] = [];
    let live = false;
    const done = channel.attach(null, { send: (m) => got.push(m), live: () => (live = true) });
    const during = [channel.publish("test", { n: 1 }), channel.publish("test", { n: 2 })];
    await done;
    const after = channel.addSink((m) => live && got.push(m));
    await Promise.all(during);
    await channel.publish("test", { n: 3 });
    after();
    assert.equal(got[0]!.envelope.type, "stats", "the snapshot first");
    const ids = got.map((m) => m.envelope.id);
    for (let i = 1; i < ids.length; i++) assert.ok(compareIds(ids[i - 1]!, ids[i]!) < 0, `ids strictly increase: ${ids.join(" ")}`);
    assert.deepEqual(data(got.slice(1)), [1, 2, 3], "each once");
    await backend.stop();
  });
});

describe("the dashboard feed", () => {
  const snapshot = (n: number) => ({ metrics: { total_risks: n } }) as unknown as DashboardSnapshot;
  function feedWith(opts: { coalesceMs: number; computeMs?: number; now?: () => number }) {
    let value = 0;
    const computes: (DashboardChange[] | null)[] = [];
    const published: { version: number }[] = [];
    const projection = new DashboardProjection();
    const channel = {
      publish: async (_t: string, data: { version: number }, o: { state: { version: number; snapshot: DashboardSnapshot } }) => {
        published.push(data);
        projection.set(o.state);
        return { envelope: { id: `${published.length}-0` } };
      },
      waitFor: async () => {},
    };
    const feed = new DashboardFeed({
      computer: {
        compute: async (changes) => {
          computes.push(changes);
          if (opts.computeMs) await new Promise((r) => setTimeout(r, opts.computeMs));
          return snapshot(++value);
        },
      },
      channel: channel as never,
      projection,
      coalesceMs: opts.coalesceMs,
      tickMs: 3_600_000,
      log: silentLogger,
      now: opts.now,
    });
    return { feed, computes, published, projection };
  }
  const change = (id: number): DashboardChange => ({
    type: "risk.changed",
    seq: id,
    change: "updated",
    riskId: id,
    before: null,
    after: null,
  });

  it("recomputes an isolated change at once (leading edge), and one inside the window at its end", async () => {
    let clock = 0;
    const { feed, computes } = feedWith({ coalesceMs: 60_000, now: () => clock });
    feed.setLeader(true);
    await until(() => computes.length === 1); // the start
    clock += 60_001; // a quiet minute: the window is over
    feed.markDirty(change(1));
    await until(() => computes.length === 2, 500); // no 60 s wait
    assert.deepEqual(computes[1], [change(1)], "only the change, not a full re-read");
    mock.timers.enable({ apis: ["setTimeout"] });
    try {
      feed.markDirty(change(2)); // right after a recompute: waits for the window's end
      mock.timers.tick(59_999);
      assert.equal(computes.length, 2, "a change inside the window is held back");
      mock.timers.tick(1);
      assert.deepEqual(computes.slice(2), [[change(2)]], "and recomputed when the window ends");
    } finally {
      feed.stop();
      mock.timers.reset();
    }
  });

  it("folds a burst into one further recompute per window", async () => {
    // On mocked timers and a fake clock: 50 changes, 2 ms apart, during and after the start's recompute.
    mock.timers.enable({ apis: ["setTimeout", "setInterval"] });
    let clock = 0;
    const { feed, computes } = feedWith({ coalesceMs: 200, computeMs: 20, now: () => clock });
    const advance = async (ms: number) => {
      for (let i = 0; i < ms; i++) {
        clock += 1;
        mock.timers.tick(1);
        await new Promise((r) => setImmediate(r));
      }
    };
    try {
      feed.setLeader(true);
      await advance(1);
      assert.deepEqual(computes, [null], "the start");
      const burst = Array.from({ length: 50 }, (_, i) => change(i));
      for (const c of burst) {
        feed.markDirty(c);
        await advance(2);
      }
      await advance(300); // past the window's end and its recompute
      assert.deepEqual(computes, [null, burst], "the start, then one recompute for the whole burst");
      assert.equal(feed.state.dirty, false);
    } finally {
      feed.stop();
      mock.timers.reset();
    }
  });

  it("answers readers while changes keep arriving faster than a recompute takes (no starvation)", async () => {
    // On mocked timers: a reader that waited for a quiet moment would only be answered by the
    // 5 s give-up timer; each must be answered by a recompute within a few of them.
    mock.timers.enable({ apis: ["setTimeout", "setInterval"] });
    const { feed, computes } = feedWith({ coalesceMs: 0, computeMs: 30 });
    const stop = setInterval(() => feed.markDirty(change(1)), 5);
    try {
      feed.setLeader(true);
      let answered = 0;
      const readers = Array.from({ length: 10 }, () => feed.current().then(() => answered++));
      let virtualMs = 0;
      while (answered < 10 && virtualMs < 1000) {
        mock.timers.tick(5);
        virtualMs += 5;
        await new Promise((r) => setImmediate(r));
      }
      assert.equal(answered, 10, `readers answered after ${virtualMs} virtual ms, ${computes.length} recomputes`);
      await Promise.all(readers);
    } finally {
      clearInterval(stop);
      feed.stop();
      mock.timers.reset();
    }
  });

  it("continues versions from the stored state instead of restarting at 1", async () => {
    const { feed, projection, published } = feedWith({ coalesceMs: 0 });
    projection.set({ version: 41, snapshot: snapshot(-1) });
    feed.setLeader(true);
    await until(() => published.length === 1);
    assert.equal(published[0]!.version, 42);
    feed.stop();
  });
});
