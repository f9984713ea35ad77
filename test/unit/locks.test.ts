// Locked writes take turns in memory before they take a connection: a burst larger than the pool
// all commits, in order, and a write stuck behind a stalled one fails as "overloaded" (503)
// instead of waiting forever.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { lockedTransaction, WriteQueueTimeout } from "../../lib/db/locks";
import { testDb } from "../support/db";

describe("locked transactions", () => {
  let t: Awaited<ReturnType<typeof testDb>>;
  before(async () => {
    t = await testDb("locks");
  });
  after(() => t?.close());

  it("runs a burst of 60 writes (the pool holds 10) one at a time, in arrival order, all committed", async () => {
    const order: number[] = [];
    let inside = 0,
      most = 0;
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        lockedTransaction(t.db, t.flavor, 1, async (tx) => {
          most = Math.max(most, ++inside);
          await tx.changeCounter.upsert({
            where: { name: "burst" },
            create: { name: "burst", value: 1 },
            update: { value: { increment: 1 } },
          });
          order.push(i);
          inside--;
        }),
      ),
    );
    assert.equal(most, 1, "never two at once");
    assert.deepEqual(
      order,
      [...order].sort((a, b) => a - b),
      "in arrival order",
    );
    assert.equal((await t.db.changeCounter.findUnique({ where: { name: "burst" } }))?.value, 60);
  });

  it("fails a write that waited past its deadline behind a stalled one, and the queue goes on afterwards", async () => {
    let release!: () => void;
    const stalled = lockedTransaction(t.db, t.flavor, 2, () => new Promise<void>((r) => (release = r)), 5000);
    const late = lockedTransaction(t.db, t.flavor, 2, async () => "ran", 50);
    await new Promise((r) => setTimeout(r, 120)); // the stall outlasts the second write's deadline
    release();
    await stalled;
    await assert.rejects(late, (e: unknown) => e instanceof WriteQueueTimeout && e.code === "P2028");
    assert.equal(await lockedTransaction(t.db, t.flavor, 2, async () => "next"), "next");
  });
});
