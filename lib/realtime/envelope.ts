// The one message shape on every channel (Socket.IO, SSE, polling):
//   { type, id: <stream offset>, timestamp: ISO-8601, data }
// Ids look like Redis stream ids, "<ms>-<seq>": monotonic, comparable, still ordered after
// a restart, and the same format a Redis stream would hand out in cluster mode.
export interface Envelope<T = unknown> {
  type: string;
  id: string;
  timestamp: string;
  data: T;
}

/** An envelope with its JSON text, serialised once and shared by every client. */
export interface Logged {
  envelope: Envelope;
  json: string;
}

export function parseId(id: string): [number, number] | null {
  const m = /^(\d{1,16})-(\d{1,9})$/.exec(id);
  return m ? [Number(m[1]), Number(m[2])] : null;
}

export function compareIds(a: string, b: string): number {
  const x = parseId(a), y = parseId(b);
  if (!x || !y) throw new Error(`not a stream id: ${!x ? a : b}`);
  return x[0] - y[0] || x[1] - y[1];
}

export class IdGenerator {
  private ms = 0;
  private seq = 0;
  next(now = Date.now()): string {
    if (now > this.ms) {
      this.ms = now;
      this.seq = 0;
    } else this.seq++;
    return `${this.ms}-${this.seq}`;
  }
  /** The id of the newest message so far ("0-0" before any). */
  get last(): string {
    return `${this.ms}-${this.seq}`;
  }
}

export const ZERO_ID = "0-0";
