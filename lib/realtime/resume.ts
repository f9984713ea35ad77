// Subscribing a client to a channel, the same on every transport: resume after the client's
// cursor — the logged messages after it, in order, once — or, without a usable cursor, a
// resync notice and a snapshot; then the live messages, with nothing lost or doubled in between.
import { compareIds, cursorOf, epochOf, inEpoch, isId, ZERO_ID } from "../contract/ids";
import type { ResyncData } from "../contract/protocol";
import type { Channel } from "./channel";
import type { Logged } from "./log/logged";

/** What a transport gives attach(): how to send one message, and how to join the live fan-out. */
export interface AttachTarget {
  send(message: Logged): void;
  /** Called once, synchronously after the catch-up: from now on deliver live messages. */
  live(): void;
  /** The client went away meanwhile: stop. */
  isClosed?(): boolean;
}

export type ResyncReason = ResyncData["reason"];

/** A catch-up's answer; `covered` is the position it brings the client to. */
export type CatchUp =
  | { kind: "messages"; messages: Logged[]; covered: string }
  | { kind: "snapshot"; snapshot: Logged; covered: string; reason: ResyncReason | "no_cursor" };

/** How long a cursor from another instance's future (cluster mode) is waited for before it counts as invalid. */
const AHEAD_WAIT_MS = 3000;

/**
 * What a client resuming after `cursor` should get: the messages after it (up to what has been
 * delivered here), or a snapshot when there is no usable cursor (none, not one of this log's,
 * another epoch's, or past the log's window).
 */
export async function catchUp(channel: Channel, cursor: string | null): Promise<CatchUp> {
  let reason: ResyncReason | "no_cursor" = "no_cursor";
  if (cursor !== null) {
    // "0-0" alone is the start of whatever log there is.
    const zero = cursor === ZERO_ID;
    const epoch = !isId(cursor) ? null : zero ? channel.epoch : epochOf(cursor);
    // A cursor from an epoch this instance has not seen yet may come from an instance that read
    // the restarted shared log first: wait for it (one of an epoch seen replaced: no point).
    if (epoch && epoch !== channel.epoch && channel.shared && !channel.replacedEpoch(epoch))
      await channel.waitForEpoch(epoch, AHEAD_WAIT_MS);
    // Likewise a cursor ahead of us comes from an instance further along the shared log.
    const ahead = () => epoch === channel.epoch && compareIds(cursorOf(cursor), channel.lastId) > 0;
    if (channel.shared && ahead()) await channel.waitFor(cursorOf(cursor), AHEAD_WAIT_MS);
    if (epoch === null || (!zero && !epoch)) reason = "invalid";
    else if (epoch !== channel.epoch) reason = "reset";
    else if (ahead()) reason = "invalid";
    else {
      const r = await channel.replay(inEpoch(cursor, epoch), channel.lastId);
      if (r) return { kind: "messages", messages: r, covered: r.at(-1)?.envelope.id ?? cursor };
      reason = "too_old";
    }
  }
  await channel.projection.ready();
  // Read position and snapshot in the same tick: the snapshot is exactly "as of lastId".
  const snapshot = channel.snapshot()!;
  return { kind: "snapshot", snapshot, covered: snapshot.envelope.id, reason };
}

const RESYNC_MESSAGE: Record<ResyncReason, string> = {
  reset: "the message log was reset since your last message; here is a fresh snapshot",
  too_old: "missed messages are no longer available; here is a fresh snapshot",
  invalid: "missed messages are no longer available; here is a fresh snapshot",
};

/**
 * Subscribes a client: listens first, then catches up, then sends what arrived meanwhile (minus
 * what the catch-up covered), then goes live — all in order, nothing twice. Returns how the
 * client was started ("closed": it went away during the catch-up).
 */
export async function attach(channel: Channel, cursor: string | null, target: AttachTarget): Promise<CatchUp["kind"] | "closed"> {
  const buffered: Logged[] = [];
  const unbuffer = channel.addSink((m) => buffered.push(m));
  try {
    const c = await catchUp(channel, cursor);
    if (target.isClosed?.()) return "closed";
    if (c.kind === "messages") c.messages.forEach((m) => target.send(m));
    else {
      if (c.reason !== "no_cursor") target.send(channel.direct("resync", { reason: c.reason, message: RESYNC_MESSAGE[c.reason] }));
      target.send(c.snapshot);
    }
    for (const m of buffered) if (compareIds(m.envelope.id, c.covered) > 0) target.send(m);
    target.live();
    return c.kind;
  } finally {
    unbuffer();
  }
}
