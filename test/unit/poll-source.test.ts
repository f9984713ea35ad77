// The browser's polling source: a restart while a fetch is in flight must not leave two loops.
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { PollSource } from "@riskpulse/client";
import { until } from "../support/socket";

const realFetch = globalThis.fetch;
afterEach(() => (globalThis.fetch = realFetch));

describe("poll source", () => {
  it("restarted with a fetch in flight, it keeps exactly one poll loop", async () => {
    const calls: string[] = [];
    const pending: ((r: Response) => void)[] = [];
    globalThis.fetch = ((url: string) => {
      calls.push(String(url));
      return new Promise<Response>((r) => pending.push(r));
    }) as typeof fetch;
    const answer = (next: string) => new Response(JSON.stringify({ messages: [], next }), { status: 200 });
    const events = { open() {}, message() {}, fail() {}, resync() {} };
    const p = new PollSource<"dashboard">("/poll", 10, events);
    p.start(null);
    p.start("3-0"); // e.g. the connection manager switched sources and back
    assert.deepEqual(calls, ["/poll", "/poll?since=3-0"]);
    const [oldLoop, newLoop] = pending.splice(0);
    // Both answers arrive, the stale one last and with its own cursor: were it applied, the
    // next request would ask since=9-0, and a second loop would send requests of its own.
    newLoop!(answer("5-0"));
    oldLoop!(answer("9-0"));
    await until(() => calls.length >= 3, 5000, "the first round");
    assert.equal(pending.length, 1, `requests in flight: ${calls.join(" ")}`);
    pending.splice(0).forEach((r) => r(answer("6-0")));
    // The second round's timer was set after the first round's (same interval), so a second
    // loop's request would already be here when this one arrives.
    await until(() => calls.length >= 4, 5000, "the second round");
    p.stop();
    assert.deepEqual(calls.slice(2), ["/poll?since=5-0", "/poll?since=6-0"], `requests: ${calls.join(" ")}`);
    assert.equal(pending.length, 1);
  });
});
