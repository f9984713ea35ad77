// Envelope ids. A message in a channel's log has its stream offset as id, "<ms>-<seq>" — the
// form Redis streams hand out, ordered and still ordered after a restart. A message sent to one
// client only (its first snapshot, a reply, an error) has "<offset>-<n>": unique, sorting after
// the offset it was sent at and before the next logged message. Either is a resume cursor: the
// client resumes after its offset. Imports nothing, so the browser uses it too.
export type Cursor = `${number}-${number}`;

export const ZERO_ID: Cursor = "0-0";

const ID = /^(\d{1,16})-(\d{1,16})(?:-(\d{1,16}))?$/;

/** [ms, seq, n] (n = -1 for a logged message), or null for anything else. */
export function parseId(id: string): [number, number, number] | null {
  const m = ID.exec(id);
  if (!m) return null;
  const parts: [number, number, number] = [Number(m[1]), Number(m[2]), m[3] === undefined ? -1 : Number(m[3])];
  return parts.every(Number.isSafeInteger) ? parts : null;
}

export function isId(id: unknown): id is string {
  return typeof id === "string" && parseId(id) !== null;
}

export function compareIds(a: string, b: string): number {
  const x = parseId(a),
    y = parseId(b);
  if (!x || !y) throw new Error(`not an envelope id: ${!x ? a : b}`);
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}

/** The log offset an id stands for ("<ms>-<seq>"). */
export function cursorOf(id: string): Cursor {
  const p = parseId(id);
  if (!p) throw new Error(`not an envelope id: ${id}`);
  return `${p[0]}-${p[1]}`;
}

export const isLoggedId = (id: string) => parseId(id)?.[2] === -1;

/** Offsets for an embedded log: Redis-stream style, never going back even if the clock does. */
export class OffsetGenerator {
  private ms = 0;
  private seq = 0;
  constructor(last: string = ZERO_ID) {
    const p = parseId(last);
    if (p) [this.ms, this.seq] = [p[0], p[1]];
  }
  next(now = Date.now()): Cursor {
    if (now > this.ms) {
      this.ms = now;
      this.seq = 0;
    } else this.seq++;
    return `${this.ms}-${this.seq}`;
  }
  get last(): Cursor {
    return `${this.ms}-${this.seq}`;
  }
}

/** Ids for messages sent to one client: "<offset>-<n>", n counting up for the life of the process. */
let directCounter = 0;
export function directId(offset: string): string {
  directCounter = (directCounter + 1) % Number.MAX_SAFE_INTEGER;
  return `${cursorOf(offset)}-${directCounter}`;
}
