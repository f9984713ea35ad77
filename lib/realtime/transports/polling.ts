// Polling, the last resort: the messages after `since` and the cursor for the next call; without
// a usable cursor, a snapshot to start from. The same envelopes as every other transport, in the
// contract's PollAnswer shape.
import type { ChannelName, Message, PollAnswer, SnapshotMessage } from "../../contract/protocol";
import type { Channel } from "../channel";

/** One poll of `channel` after `since` (null: start from a snapshot). */
export async function poll<C extends ChannelName>(channel: Channel<C>, since: string | null): Promise<PollAnswer<C>> {
  const c = await channel.catchUp(since);
  // The cursor is where this answer ends: the last message sent, or the snapshot's own position.
  return c.kind === "messages"
    ? { messages: c.messages.map((m) => m.envelope as Message<C>), next: c.covered }
    : {
        messages: [],
        snapshot: c.snapshot.envelope as SnapshotMessage<C>,
        resync: c.reason !== "no_cursor",
        reason: c.reason,
        next: c.covered,
      };
}
