// A socket.io-client connection that records every envelope it receives, in order, and — like
// the browser — resumes after the last logged message or snapshot it holds (auth.lastId) on
// every reconnect.
import { io, type Socket } from "socket.io-client";
import { compareIds, parseId } from "../../lib/contract/ids";
import { LOGGED_TYPES, SNAPSHOT_TYPE, type Envelope } from "../../lib/contract/protocol";

export interface Recorder {
  socket: Socket;
  messages: Envelope[];
  /** The resume cursor sent on the next connect. */
  lastId: string | null;
  /**
   * Resolves with the first message of `type` at or after index `from` (default: from now on).
   * Use `from: 0` for what the server sends on connect: it may already have arrived.
   */
  next(type: string, opts?: { from?: number; timeoutMs?: number }): Promise<Envelope>;
  close(): void;
}

const CURSOR_TYPES = new Set<string>([...LOGGED_TYPES.dashboard, ...LOGGED_TYPES.quotas, SNAPSHOT_TYPE.dashboard, SNAPSHOT_TYPE.quotas]);

export function record(
  url: string,
  token: string,
  opts: { reconnection?: boolean; cookie?: string; lastId?: string; sections?: string[]; risk?: number } = {},
): Promise<Recorder> {
  const messages: Envelope[] = [];
  const waiters: { type: string; from: number; resolve: (e: Envelope) => void }[] = [];
  const rec = { lastId: opts.lastId ?? null } as Recorder;
  const socket = io(url, {
    auth: (cb: (a: object) => void) =>
      cb({
        ...(token ? { token } : {}),
        ...(rec.lastId ? { lastId: rec.lastId } : {}),
        ...(opts.sections ? { sections: opts.sections } : {}),
        ...(opts.risk !== undefined ? { risk: opts.risk } : {}),
      }),
    extraHeaders: opts.cookie ? { cookie: opts.cookie } : {},
    transports: ["websocket"],
    forceNew: true,
    reconnection: opts.reconnection ?? false,
  });
  socket.onAny((_event: string, env: Envelope) => {
    messages.push(env);
    if (CURSOR_TYPES.has(env.type) && parseId(env.id) && (!rec.lastId || compareIds(env.id, rec.lastId) > 0)) rec.lastId = env.id;
    for (const w of waiters.slice()) {
      if (w.type === env.type && messages.length - 1 >= w.from) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(env);
      }
    }
  });
  Object.assign(rec, {
    socket,
    messages,
    next(type: string, { from = messages.length, timeoutMs = 5000 }: { from?: number; timeoutMs?: number } = {}) {
      const seen = messages.slice(from).find((m) => m.type === type);
      if (seen) return Promise.resolve(seen);
      return new Promise<Envelope>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `no ${type} within ${timeoutMs} ms; got ${
                  messages
                    .slice(from)
                    .map((m) => m.type)
                    .join(",") || "nothing"
                }`,
              ),
            ),
          timeoutMs,
        );
        waiters.push({ type, from, resolve: (e) => (clearTimeout(timer), resolve(e)) });
      });
    },
    close: () => socket.close(),
  });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(rec));
    socket.once("connect_error", reject);
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for a condition with a deadline (instead of sleeping a fixed time). */
export async function until(cond: () => boolean | Promise<boolean>, timeoutMs = 5000, what = "condition"): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await sleep(25);
  }
}
