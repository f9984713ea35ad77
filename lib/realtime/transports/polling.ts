// Polling, the last resort: the messages after `since` and the cursor for the next call; without
// a usable cursor, a snapshot to start from. The same envelopes as every other transport.
import type { Envelope, ResyncData } from "../../contract/protocol";
import type { AnyChannel } from "../channel";

export type PollBody =
  | { messages: Envelope[]; next: string }
  | { messages: []; snapshot: Envelope; resync: boolean; reason: "no_cursor" | ResyncData["reason"]; next: string };

export async function poll(channel: AnyChannel, since: string | null): Promise<PollBody> {
  const c = await channel.catchUp(since);
  // The cursor is where this answer ends: the last message sent, or the snapshot's own position.
  return c.kind === "messages"
    ? { messages: c.messages.map((m) => m.envelope), next: c.covered }
    : { messages: [], snapshot: c.snapshot.envelope, resync: c.reason !== "no_cursor", reason: c.reason, next: c.covered };
}
