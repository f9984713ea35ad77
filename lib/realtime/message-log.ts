// A bounded, in-order log of a channel's recent messages, for replaying what a reconnecting
// client missed (SSE Last-Event-ID, polling ?since=, Socket.IO clients past the recovery window).
import { compareIds, IdGenerator, parseId, type Envelope, type Logged } from "./envelope";

export type Replay = { kind: "messages"; messages: Logged[] } | { kind: "too_old" } | { kind: "invalid" };

export class MessageLog {
  private ring: Logged[] = [];
  private start = 0; // index of the oldest entry in `ring` once it is full
  private ids = new IdGenerator();
  /** Where this log's history begins: ids before it belong to another life of the server. */
  private readonly baseline: string;
  /** The newest id that fell off the end: a client behind it has missed something for good. */
  private lastDropped: string | null = null;
  /** Messages ever appended, including those that fell off the end. */
  appended = 0;

  constructor(readonly capacity: number) {
    this.baseline = this.ids.next();
  }

  append(type: string, data: unknown, at = new Date()): Logged {
    const envelope: Envelope = { type, id: this.ids.next(at.getTime()), timestamp: at.toISOString(), data };
    const entry = { envelope, json: JSON.stringify(envelope) };
    if (this.ring.length < this.capacity) this.ring.push(entry);
    else {
      this.lastDropped = this.ring[this.start].envelope.id;
      this.ring[this.start] = entry;
      this.start = (this.start + 1) % this.capacity;
    }
    this.appended++;
    return entry;
  }

  /** Oldest first. */
  entries(): Logged[] {
    return this.start === 0 ? this.ring.slice() : [...this.ring.slice(this.start), ...this.ring.slice(0, this.start)];
  }

  get lastId(): string {
    return this.ids.last;
  }

  get size(): number {
    return this.ring.length;
  }

  /**
   * Everything after `id`, in order. "too_old" when messages after `id` have already been
   * dropped (the client must resynchronise from a snapshot), "invalid" for a malformed id or
   * one from the future (another server's stream).
   */
  since(id: string): Replay {
    if (!parseId(id) || compareIds(id, this.lastId) > 0) return { kind: "invalid" };
    if (compareIds(id, this.baseline) < 0) return { kind: "too_old" };
    if (this.lastDropped && compareIds(id, this.lastDropped) < 0) return { kind: "too_old" };
    const all = this.entries();
    let lo = 0, hi = all.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareIds(all[mid].envelope.id, id) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return { kind: "messages", messages: all.slice(lo) };
  }
}
