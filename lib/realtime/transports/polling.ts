// Polling, the last resort: the messages after `since` and the cursor for the next call; without
// a usable cursor, a snapshot to start from. The same envelopes as every other transport, in the
// contract's PollAnswer shape.
import type { ChannelName, Message, PollAnswer, SnapshotMessage } from "../../contract/protocol";
import type { Channel, Logged } from "../channel";
import { seenBy, type SessionView } from "../transport-core";

/**
 * One poll of `channel` after `since` (null: start from a snapshot), as `view` sees it (the
 * dashboard sections and risk asked for; null: everything but the per-risk messages). The cursor moves past messages the view has
 * nothing of, so the next poll does not get them again either.
 */
export async function poll<C extends ChannelName>(
  channel: Channel<C>,
  since: string | null,
  view: SessionView | null = null,
): Promise<PollAnswer<C>> {
  const c = await channel.catchUp(since);
  const seen = (m: Logged) => seenBy(view, m);
  // The cursor is where this answer ends: the last message sent, or the snapshot's own position.
  return c.kind === "messages"
    ? { messages: c.messages.flatMap((m) => seen(m) ?? []).map((m) => m.envelope as Message<C>), next: c.covered }
    : {
        messages: [],
        snapshot: seen(c.snapshot)!.envelope as SnapshotMessage<C>,
        resync: c.reason !== "no_cursor",
        reason: c.reason,
        next: c.covered,
      };
}
