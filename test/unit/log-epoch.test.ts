// The embedded (SQL) log's epoch: a restart keeps it, so cursors resume; a reset log (its rows
// deleted, with or without the channel's row) gets a new one, so a cursor from before gets a
// resync instead of the new log's messages as if they followed it.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Channel, type Logged } from "../../lib/realtime/channel";
import { DashboardProjection } from "../../lib/realtime/dashboard/projection";
import { SqlLogBackend } from "../../lib/realtime/log/sql-backend";
import { StatsProjection } from "../../lib/realtime/quotas/projection";
import { NotificationsProjection } from "../../lib/realtime/notifications/feed";
import { silentLogger } from "../../lib/log";
import { testDb } from "../support/db";

describe("the SQL log's epoch", () => {
  let t: Awaited<ReturnType<typeof testDb>>;
  before(async () => (t = await testDb("log_epoch")));
  after(() => t.close());

  async function open() {
    const backend = new SqlLogBackend(t.db, 50, silentLogger);
    const quotas = new Channel("quotas", 50, backend, new StatsProjection());
    const dashboard = new Channel("dashboard", 50, backend, new DashboardProjection());
    await backend.start({ quotas, dashboard, notifications: new Channel("notifications", 50, backend, new NotificationsProjection()) });
    quotas.projection.apply({ type: "stats", id: "1-0", timestamp: "", data: { total_users: 1 } as never });
    return { backend, quotas };
  }
  const data = (ms: Logged[]) => ms.map((m) => (m.envelope.data as { n: number }).n);

  it("survives a restart: a cursor resumes with what came after it", async () => {
    const first = await open();
    const seen = await first.quotas.publish("test", { n: 1 });
    await first.quotas.publish("test", { n: 2 });
    await first.backend.stop();
    const second = await open();
    const c = await second.quotas.catchUp(seen.envelope.id);
    assert.deepEqual(c.kind === "messages" && data(c.messages), [2]);
    await second.backend.stop();
  });

  for (const reset of ["the whole log (messages and channel rows)", "the messages only"]) {
    it(`a reset of ${reset}: an old cursor gets a resync, even once the new log is past it`, async () => {
      const first = await open();
      const seen = await first.quotas.publish("test", { n: 1 });
      await first.backend.stop();
      await t.db.realtimeMessage.deleteMany({});
      if (reset.startsWith("the whole")) await t.db.realtimeChannel.deleteMany({});
      else await t.db.realtimeChannel.updateMany({ data: { floor: "1-0" } }); // the row says messages were written
      const second = await open();
      // New messages whose offsets are past the old cursor: without an epoch they would look like its successors.
      for (let n = 2; n <= 4; n++) await second.quotas.publish("test", { n });
      const c = await second.quotas.catchUp(seen.envelope.id);
      assert.deepEqual([c.kind, c.kind === "snapshot" && c.reason], ["snapshot", "reset"]);
      const fresh = await second.quotas.catchUp(c.covered);
      assert.deepEqual([fresh.kind, fresh.kind === "messages" && fresh.messages.length], ["messages", 0], "the new cursor resumes");
      assert.notEqual(c.covered, seen.envelope.id);
      await second.backend.stop();
    });
  }
});
