// The leader lease (cluster/lease.ts) against an in-memory stand-in for the one Redis key it uses,
// on a fake clock: one leader at a time, renewal by the holder only, a clean hand-over on stop,
// stepping down when Redis cannot be reached for longer than the lease, and a take-over once an
// unreachable leader's lease has run out.
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import { RedisLease } from "../../lib/cluster/lease";
import type { RedisHandle } from "../../lib/cluster/redis";
import { keys } from "../../lib/cluster/redis";
import { silentLogger } from "../../lib/log";

const LEASE_MS = 3000; // renewed every 1000 ms

/** The leader key as Redis keeps it: a value with an expiry (on the mocked clock). */
class LeaderKey {
  value: string | null = null;
  expiresAt = 0;
  read() {
    if (this.value !== null && Date.now() >= this.expiresAt) this.value = null;
    return this.value;
  }
}

/** One instance's connection: the commands the lease sends, or a failure while `down`. */
function handle(key: LeaderKey) {
  const h = { down: false };
  const client = {
    async sendCommand(args: string[]) {
      if (h.down) throw new Error("Redis unreachable");
      const [cmd] = args;
      if (cmd === "SET") {
        const [, , value, , , px] = args;
        if (key.read() !== null) return null;
        key.value = value!;
        key.expiresAt = Date.now() + Number(px);
        return "OK";
      }
      if (cmd === "EVAL") {
        const [, script, , , owner, px] = args;
        if (key.read() !== owner) return 0;
        if (script!.includes("PEXPIRE")) key.expiresAt = Date.now() + Number(px);
        else key.value = null; // the release script
        return 1;
      }
      throw new Error(`unexpected command ${cmd}`);
    },
  };
  return Object.assign(h, { redis: { client, downSince: null, lastError: null, close: async () => {} } as unknown as RedisHandle });
}

function instance(key: LeaderKey, id: string) {
  const conn = handle(key);
  const changes: boolean[] = [];
  const lease = new RedisLease({ redis: conn.redis, keys: keys("t"), instanceId: id, leaseMs: LEASE_MS, log: silentLogger });
  return { lease, conn, changes, start: () => lease.start((leader) => changes.push(leader)) };
}

/** Moves the fake clock on in steps, letting each tick's Redis round trip finish. */
async function advance(ms: number, step = 100) {
  for (let t = 0; t < ms; t += step) {
    mock.timers.tick(step);
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  }
}

describe("the leader lease", () => {
  beforeEach(() => mock.timers.enable({ apis: ["setInterval", "Date"], now: 1_000_000 }));
  afterEach(() => mock.timers.reset());

  it("has one leader at a time, and the holder keeps it by renewing", async () => {
    const key = new LeaderKey();
    const a = instance(key, "a");
    const b = instance(key, "b");
    await a.start();
    await b.start();
    assert.deepEqual([a.lease.isLeader, b.lease.isLeader], [true, false]);
    await advance(10 * LEASE_MS);
    assert.deepEqual([a.lease.isLeader, b.lease.isLeader], [true, false], "renewed: never ran out");
    assert.deepEqual(a.changes, [false, true], "told once, when it started leading");
    await a.lease.stop();
    await b.lease.stop();
  });

  it("hands over on stop: the next instance leads within a renewal period", async () => {
    const key = new LeaderKey();
    const a = instance(key, "a");
    const b = instance(key, "b");
    await a.start();
    await b.start();
    await a.lease.stop();
    assert.deepEqual([a.lease.isLeader, key.read()], [false, null], "released, not left to expire");
    await advance(1000);
    assert.equal(b.lease.isLeader, true);
    await b.lease.stop();
  });

  it("steps down when Redis is unreachable for longer than the lease; another takes over once it ran out", async () => {
    const key = new LeaderKey();
    const a = instance(key, "a");
    const b = instance(key, "b");
    await a.start();
    await b.start();
    a.conn.down = true;
    await advance(0.9 * LEASE_MS - 200);
    assert.equal(a.lease.isLeader, true, "a short outage is ridden out");
    await advance(1200);
    assert.equal(a.lease.isLeader, false, "stepped down before its lease could have run out elsewhere");
    await advance(LEASE_MS);
    assert.equal(b.lease.isLeader, true, "the lease ran out and b took it");
    assert.deepEqual(a.changes, [false, true, false]);
    a.conn.down = false;
    await advance(2 * LEASE_MS);
    assert.deepEqual([a.lease.isLeader, b.lease.isLeader], [false, true], "a back online does not take it back");
    await a.lease.stop();
    await b.lease.stop();
  });

  it("steps down at once when its renewal finds the key held by another", async () => {
    const key = new LeaderKey();
    const a = instance(key, "a");
    await a.start();
    key.value = "intruder"; // e.g. its lease ran out during a pause and another took it
    await advance(1000);
    assert.equal(a.lease.isLeader, false);
    await a.lease.stop();
    assert.equal(key.read(), "intruder", "stop does not release someone else's lease");
  });
});
