// The browser's connection manager as a state machine, on a fake clock and fake sources: the
// retry delays (1, 2, 4, 8, 16 s), the fallback to SSE and then polling, the climb back to
// WebSocket, terminal codes, and the cursor every (re)start resumes from.
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import {
  ChannelConnection,
  DEFAULT_LIVE_OPTIONS,
  type ChannelSources,
  type LiveStatus,
  type SourceEvents,
  type SourceFactory,
  type SourceName,
} from "@riskpulse/client";
import type { Message } from "../../lib/contract/protocol";

/** A source whose life the test drives: it records each start (with its cursor) and stop. */
class FakeSource {
  starts: (string | null)[] = [];
  stops = 0;
  live = false;
  advanced: string[] = [];
  on!: SourceEvents<"dashboard">;
  constructor(readonly name: SourceName) {}
  start(lastId: string | null) {
    this.starts.push(lastId);
  }
  stop() {
    this.stops++;
    this.live = false;
  }
  open() {
    this.live = true;
    this.on.open();
  }
  fail(error = "gone", terminal?: "session_ended") {
    this.live = false;
    this.on.fail(error, terminal);
  }
  advance(id: string) {
    this.advanced.push(id);
  }
  destroy() {}
  drop() {}
  async command(): Promise<Message<"dashboard">> {
    return { type: "pong", id: "1-0-1.e", timestamp: new Date().toISOString(), data: {} };
  }
}

function harness(opts: Partial<typeof DEFAULT_LIVE_OPTIONS> = {}) {
  const socket = new FakeSource("websocket");
  const sse = new FakeSource("sse");
  const poll = new FakeSource("polling");
  const statuses: LiveStatus[] = [];
  const messages: Message<"dashboard">[] = [];
  const sources: SourceFactory<"dashboard"> = (_channel, _opts, events) => {
    socket.on = events.socket;
    sse.on = events.sse;
    poll.on = events.poll;
    return { socket, sse, poll } as unknown as ChannelSources<"dashboard">;
  };
  const conn = new ChannelConnection(
    "dashboard",
    { ...DEFAULT_LIVE_OPTIONS, ...opts },
    (m) => messages.push(m),
    (s) => statuses.push(s),
    () => {},
    () => {},
    sources,
  );
  return { conn, socket, sse, poll, statuses, messages, last: () => statuses.at(-1)! };
}

describe("the browser's connection manager", () => {
  beforeEach(() => mock.timers.enable({ apis: ["setTimeout", "setInterval", "Date"], now: 1_000_000 }));
  afterEach(() => mock.timers.reset());

  it("retries a WebSocket that worked after 1, 2, 4, 8, 16 s, then falls back to SSE", () => {
    const h = harness();
    h.conn.start();
    h.socket.open();
    assert.deepEqual([h.last().state, h.last().source], ["live", "websocket"]);
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 5; attempt++) {
      h.socket.fail();
      const s = h.last();
      assert.equal(s.state, "reconnecting");
      assert.equal(s.attempt, attempt);
      delays.push(s.nextRetryAt! - Date.now());
      const starts = h.socket.starts.length;
      mock.timers.tick(delays.at(-1)! - 1);
      assert.equal(h.socket.starts.length, starts, "not before the delay");
      mock.timers.tick(1);
      assert.equal(h.socket.starts.length, starts + 1, "retried when the delay is over");
    }
    assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16000]);
    h.socket.fail(); // the sixth failure: maxReconnectAttempts (5) used up
    assert.equal(h.sse.starts.length, 1, "SSE started");
    h.sse.open();
    assert.deepEqual([h.last().state, h.last().source], ["sse", "sse"]);
  });

  it("falls back after 2 failures when WebSocket never connected, then polling, and climbs back to WebSocket", () => {
    const h = harness({ upgradeInterval: 60_000 });
    h.conn.start();
    h.socket.fail();
    mock.timers.tick(1000);
    h.socket.fail();
    assert.equal(h.sse.starts.length, 1, "blocked WebSocket: SSE after the second failure");
    h.sse.fail("refused");
    assert.equal(h.poll.starts.length, 1, "SSE failing: polling");
    h.poll.open();
    assert.deepEqual([h.last().state, h.last().source], ["polling", "polling"]);
    const probes = h.socket.starts.length;
    mock.timers.tick(60_000);
    assert.equal(h.socket.starts.length, probes + 1, "a WebSocket probe every upgradeInterval");
    h.socket.open();
    assert.deepEqual([h.last().state, h.last().source], ["live", "websocket"]);
    assert.ok(h.poll.stops >= 1, "the fallback stopped once WebSocket is back");
  });

  it("stops for good on a terminal code and says why", () => {
    const h = harness();
    h.conn.start();
    h.socket.open();
    h.socket.fail("your session has ended", "session_ended");
    assert.deepEqual([h.last().state, h.last().terminal], ["offline", "session_ended"]);
    const starts = h.socket.starts.length;
    mock.timers.tick(120_000);
    assert.equal(h.socket.starts.length, starts, "no retry after a terminal code");
    assert.equal(h.sse.starts.length + h.poll.starts.length, 0, "no fallback either");
  });

  it("resumes every source after the last logged envelope, never after a reply", () => {
    const h = harness();
    h.conn.start();
    h.socket.open();
    h.socket.on.message({ type: "dashboard_patch", id: "5-0.e", timestamp: "t", data: { version: 2, base_version: 1, patch: [] } });
    h.socket.on.message({ type: "pong", id: "5-0-7.e", timestamp: "t", data: {} });
    assert.equal(h.messages.length, 2, "the page sees both");
    assert.deepEqual(h.socket.advanced, ["5-0.e"], "the cursor moved on the patch only");
    h.socket.fail();
    mock.timers.tick(1000);
    assert.equal(h.socket.starts.at(-1), "5-0.e", "the retry resumes after the patch");
    h.conn.reconnect();
    assert.equal(h.socket.starts.at(-1), "5-0.e", "so does a manual reconnect");
  });

  it("ignores messages from a source that is not the active one", () => {
    const h = harness();
    h.conn.start();
    h.socket.fail();
    mock.timers.tick(1000);
    h.socket.fail();
    h.sse.open();
    h.poll.on.message({ type: "dashboard_patch", id: "9-0.e", timestamp: "t", data: { version: 3, base_version: 2, patch: [] } });
    assert.equal(h.messages.length, 0);
  });
});
