// The browser's polling source: a restart while a fetch is in flight must not leave two loops.
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { PollSource } from "../../lib/realtime/client/sources/poll-source";

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
    const answer = () => new Response(JSON.stringify({ messages: [], next: "5-0" }), { status: 200 });
    const events = { open() {}, message() {}, fail() {}, resync() {} };
    const p = new PollSource<"dashboard">("/poll", 10, events);
    p.start(null);
    p.start("3-0"); // e.g. the connection manager switched sources and back
    pending.splice(0).forEach((r) => r(answer())); // both answers arrive
    await new Promise((r) => setTimeout(r, 100));
    pending.splice(0).forEach((r) => r(answer()));
    await new Promise((r) => setTimeout(r, 100));
    p.stop();
    // One loop: after the two initial requests, one request per round, never two.
    const rounds = calls.slice(2);
    assert.ok(rounds.length >= 1 && rounds.length <= 2, `requests after the restart: ${calls.join(" ")}`);
    assert.ok(
      rounds.every((u) => u.includes("since=5-0")),
      "the old loop's answer was dropped",
    );
  });
});
