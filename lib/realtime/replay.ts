// What a client that reconnects (SSE Last-Event-ID, polling ?since=) should get: the missed
// messages from the channel's log, or, when they are gone or the id is unknown, a fresh
// snapshot and a note that it replaces the stream. Shared by SSE and polling.
import type { AppContext } from "../context";
import type { ChannelName } from "./channel";
import type { Envelope } from "./envelope";

export type Catchup = { kind: "messages"; messages: Envelope[] } | { kind: "snapshot"; snapshot: Envelope; reason: "no_cursor" | "too_old" | "invalid" };

export async function catchUp(app: AppContext, name: ChannelName, since: string | null): Promise<Catchup> {
  const channel = app.realtime.channels[name];
  if (since) {
    const r = channel.log.since(since);
    if (r.kind === "messages") return { kind: "messages", messages: r.messages.map((m) => m.envelope) };
    return { kind: "snapshot", snapshot: await app.realtime.snapshot(name), reason: r.kind };
  }
  return { kind: "snapshot", snapshot: await app.realtime.snapshot(name), reason: "no_cursor" };
}
