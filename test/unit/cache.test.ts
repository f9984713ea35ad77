// The read-through cache behind principal and quota lookups: one load for concurrent misses, no
// failed load kept, and an invalidation always winning over a load already in flight.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LoadingCache } from "../../lib/cache/loading-cache";
import { createQuotaCache } from "../../lib/domain/quota/quotas";
import type { Db } from "../../lib/db/client";

function deferred<T>() {
  let resolve!: (v: T) => void, reject!: (e: unknown) => void;
  const promise = new Promise<T>((a, b) => ((resolve = a), (reject = b)));
  return { promise, resolve, reject };
}

describe("loading cache", () => {
  it("shares one load between concurrent misses and serves hits after", async () => {
    let loads = 0;
    const c = new LoadingCache(async (k: string) => (loads++, `v-${k}`), { ttlMs: 10_000 });
    assert.deepEqual(await Promise.all([c.get("a"), c.get("a"), c.get("a")]), ["v-a", "v-a", "v-a"]);
    await c.get("a");
    assert.equal(loads, 1);
  });

  it("never keeps a failed load: the next call loads again", async () => {
    let n = 0;
    const c = new LoadingCache(
      async () => {
        if (n++ === 0) throw new Error("database down");
        return "ok";
      },
      { ttlMs: 10_000 },
    );
    await assert.rejects(c.get("k"), /database down/);
    assert.equal(await c.get("k"), "ok");
  });

  it("does not store a load that was in flight when the key was invalidated", async () => {
    const gates = [deferred<string>(), deferred<string>()];
    let i = 0;
    const c = new LoadingCache(() => gates[i++]!.promise, { ttlMs: 10_000 });
    const stale = c.get("k");
    c.invalidate("k"); // the value changed while the old one was being read
    gates[0]!.resolve("old");
    assert.equal(await stale, "old", "its callers get what it read");
    const fresh = c.get("k");
    gates[1]!.resolve("new");
    assert.equal(await fresh, "new", "but it was not stored: the next call reads again");
    assert.equal(await c.get("k"), "new");
  });

  it("expires entries after the TTL", async () => {
    let now = 0,
      loads = 0;
    const c = new LoadingCache(async () => ++loads, { ttlMs: 100, now: () => now });
    await c.get("k");
    now = 99;
    await c.get("k");
    now = 100;
    await c.get("k");
    assert.equal(loads, 2);
  });
});

describe("quota cache", () => {
  const quota = (limit: number) => ({
    id: 1,
    scope: "*",
    userId: null,
    commandType: "shell",
    period: "daily",
    limit,
    updatedAt: new Date(),
  });
  it("recovers after a failed load instead of failing every command until restart", async () => {
    let fail = true;
    const db = {
      commandQuota: { findMany: async () => (fail ? Promise.reject(new Error("connection refused")) : [quota(5)]) },
    } as unknown as Db;
    const cache = createQuotaCache(db);
    await assert.rejects(cache.effective(1, "shell"));
    fail = false;
    assert.deepEqual(await cache.effective(1, "shell"), [{ period: "daily", limit: 5 }]);
  });

  it("an admin's new limit is not overwritten by a load that started before it", async () => {
    const gate = deferred<unknown[]>();
    let calls = 0;
    const db = { commandQuota: { findMany: () => (calls++ === 0 ? gate.promise : Promise.resolve([quota(0)])) } } as unknown as Db;
    const cache = createQuotaCache(db);
    const inflight = cache.effective(1, "shell");
    cache.invalidate(); // the admin set the limit to 0 meanwhile
    gate.resolve([quota(100)]);
    await inflight;
    assert.deepEqual(await cache.effective(1, "shell"), [{ period: "daily", limit: 0 }], "the limit of 0 applies at once");
  });
});
