// Envelope ids. A message in a channel's log has its position as id: "<ms>-<seq>.<epoch>" —
// the stream offset (the form Redis streams hand out, ordered and still ordered after a restart)
// and the log's epoch, a random name the log got when it was created. An offset means something
// only inside its epoch: a log that was lost and started again (a flushed Redis, a failover to an
// empty replica, a reset table) has a new epoch, so old cursors get a resync instead of being
// replayed against a different log. A message sent to one client only (its first snapshot, a
// reply, an error) has "<ms>-<seq>-<n>.<epoch>": unique, sorting after the offset it was sent at
// and before the next logged message. Either is a resume cursor; clients treat ids as opaque.
// Imports nothing, so the browser uses it too.
export type Offset = `${number}-${number}`;
/** A position: an offset, and the epoch it belongs to ("0-0" alone: the start of any log). */
export type Cursor = Offset | `${Offset}.${string}`;

export const ZERO_ID: Cursor = "0-0";

const ID = /^(\d{1,16})-(\d{1,16})(?:-(\d{1,16}))?(?:\.([0-9a-z]{1,32}))?$/;

/** [ms, seq, n] (n = -1 for a logged message), or null for anything else. */
export function parseId(id: string): [number, number, number] | null {
  const m = ID.exec(id);
  if (!m) return null;
  const parts: [number, number, number] = [Number(m[1]), Number(m[2]), m[3] === undefined ? -1 : Number(m[3])];
  return parts.every(Number.isSafeInteger) ? parts : null;
}

/** Is this an envelope id (logged or direct, with or without an epoch)? Cursors from clients are checked with it. */
export function isId(id: unknown): id is string {
  return typeof id === "string" && parseId(id) !== null;
}

/** The epoch an id belongs to ("" for an id without one). */
export function epochOf(id: string): string {
  return ID.exec(id)?.[4] ?? "";
}

/** An offset (or an id's offset) placed in an epoch. */
export function inEpoch(offset: string, epoch: string): Cursor {
  const o = offsetOf(offset);
  return epoch ? `${o}.${epoch}` : o;
}

/** Orders ids by offset. Only ids of the same epoch are comparable; the epoch is not looked at. */
export function compareIds(a: string, b: string): number {
  const x = parseId(a),
    y = parseId(b);
  if (!x || !y) throw new Error(`not an envelope id: ${!x ? a : b}`);
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}

/** The stream offset an id stands for ("<ms>-<seq>"). */
export function offsetOf(id: string): Offset {
  const p = parseId(id);
  if (!p) throw new Error(`not an envelope id: ${id}`);
  return `${p[0]}-${p[1]}`;
}

/** The logged position an id stands for ("<ms>-<seq>.<epoch>"): what a client resumes after. */
export function cursorOf(id: string): Cursor {
  return inEpoch(id, epochOf(id));
}

/** Offsets for an embedded log: Redis-stream style, never going back even if the clock does. */
export class OffsetGenerator {
  private ms = 0;
  private seq = 0;
  constructor(last: string = ZERO_ID) {
    const p = parseId(last);
    if (p) [this.ms, this.seq] = [p[0], p[1]];
  }
  next(now = Date.now()): Offset {
    if (now > this.ms) {
      this.ms = now;
      this.seq = 0;
    } else this.seq++;
    return `${this.ms}-${this.seq}`;
  }
  get last(): Offset {
    return `${this.ms}-${this.seq}`;
  }
}

/** Ids for messages sent to one client: "<offset>-<n>.<epoch>", n counting up for the life of the process. */
let directCounter = 0;
/**
 * A fresh id for a message sent to one client, sent at `position`: it sorts after that offset
 * and before the next logged message, is unique for the life of the process, and keeps the epoch.
 */
export function directId(position: string): string {
  directCounter = (directCounter + 1) % Number.MAX_SAFE_INTEGER;
  const epoch = epochOf(position);
  return `${offsetOf(position)}-${directCounter}${epoch ? `.${epoch}` : ""}`;
}
