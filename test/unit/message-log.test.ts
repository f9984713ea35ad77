import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compareIds, IdGenerator } from "../../lib/realtime/envelope";
import { MessageLog } from "../../lib/realtime/message-log";

const ids = (r: ReturnType<MessageLog["since"]>) => (r.kind === "messages" ? r.messages.map((m) => m.envelope.data) : r.kind);

describe("stream ids", () => {
  it("increase strictly, even within one millisecond or if the clock steps back", () => {
    const g = new IdGenerator();
    const a = g.next(1000), b = g.next(1000), c = g.next(999), d = g.next(1001);
    assert.deepEqual([a, b, c, d], ["1000-0", "1000-1", "1000-2", "1001-0"]);
    assert.ok(compareIds(a, b) < 0 && compareIds(b, c) < 0 && compareIds(c, d) < 0);
    assert.ok(compareIds("10-0", "9-5") > 0, "numeric, not lexical");
  });
});

describe("message log", () => {
  it("replays what came after an id, in order, without the id itself", () => {
    const log = new MessageLog(10);
    const start = log.lastId;
    const sent = [1, 2, 3, 4].map((n) => log.append("t", n));
    assert.deepEqual(ids(log.since(start)), [1, 2, 3, 4]);
    assert.deepEqual(ids(log.since(sent[1].envelope.id)), [3, 4]);
    assert.deepEqual(ids(log.since(log.lastId)), []);
    assert.equal(sent[0].json, JSON.stringify(sent[0].envelope));
  });

  it("keeps only the newest `capacity` messages and says when a client is too far behind", () => {
    const log = new MessageLog(3);
    const sent = [1, 2, 3, 4, 5].map((n) => log.append("t", n));
    assert.equal(log.size, 3);
    assert.deepEqual(log.entries().map((e) => e.envelope.data), [3, 4, 5]);
    assert.equal(ids(log.since(sent[0].envelope.id)), "too_old"); // 2 was dropped
    assert.deepEqual(ids(log.since(sent[1].envelope.id)), [3, 4, 5]); // 2 itself was seen
  });

  it("treats ids from before this log (a previous server life) as too old, and future or junk ids as invalid", () => {
    const log = new MessageLog(3);
    log.append("t", 1);
    assert.equal(ids(log.since("1-0")), "too_old");
    assert.equal(ids(log.since(`${Date.now() + 60_000}-0`)), "invalid");
    assert.equal(ids(log.since("abc")), "invalid");
  });
});
