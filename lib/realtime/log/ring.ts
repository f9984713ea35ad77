// A channel's recent log in memory: the newest `capacity` messages, oldest first, and the floor —
// the position right before the oldest one it still holds. A cursor at or after the floor is
// replayed from here; an older one must ask the log backend.
import { compareIds, cursorOf, type Cursor, ZERO_ID } from "../../contract/ids";
import type { Logged } from "./logged";

/** A fixed-size ring of logged messages, in log order. */
export class MessageRing {
  private ring: Logged[] = [];
  private start = 0;
  /** Cursors at or after this are held here; older ones are not. */
  floor: Cursor = ZERO_ID;

  constructor(private capacity: number) {}

  /** Replaces what is held (at start, from the backend); `floor`: the position right before `recent`, when nothing is missing in between. */
  restore(recent: Logged[], floor: Cursor): void {
    this.ring = recent.slice(-this.capacity);
    this.start = 0;
    const first = this.ring[0];
    this.floor = recent.length > this.ring.length && first ? cursorOf(first.envelope.id) : floor;
  }

  /** Drops everything; the log starts again at `floor`. */
  reset(floor: Cursor): void {
    this.ring = [];
    this.start = 0;
    this.floor = floor;
  }

  /** Adds the newest message, dropping (and moving the floor past) the oldest when full. */
  push(m: Logged): void {
    if (this.ring.length < this.capacity) {
      this.ring.push(m);
      return;
    }
    const dropped = this.ring[this.start]!;
    this.floor = cursorOf(dropped.envelope.id);
    this.ring[this.start] = m;
    this.start = (this.start + 1) % this.capacity;
  }

  /** What is held, oldest first. */
  entries(): Logged[] {
    return this.start === 0 ? this.ring.slice() : [...this.ring.slice(this.start), ...this.ring.slice(0, this.start)];
  }

  get size(): number {
    return this.ring.length;
  }

  /** Does this ring reach back to `after`? */
  covers(after: Cursor): boolean {
    return compareIds(after, this.floor) >= 0;
  }

  /** The messages in (after, upTo], oldest first (binary search: the ring is in id order). */
  slice(after: Cursor, upTo: Cursor): Logged[] {
    const all = this.entries();
    let lo = 0,
      hi = all.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareIds(all[mid]!.envelope.id, after) <= 0) lo = mid + 1;
      else hi = mid;
    }
    const out: Logged[] = [];
    for (let i = lo; i < all.length && compareIds(all[i]!.envelope.id, upTo) <= 0; i++) out.push(all[i]!);
    return out;
  }
}
