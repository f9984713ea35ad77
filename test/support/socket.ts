// A socket.io-client connection that records every envelope it receives, in order.
import { io, type Socket } from "socket.io-client";
import type { Envelope } from "../../lib/realtime/envelope";

export interface Recorder {
  socket: Socket;
  messages: Envelope[];
  /**
   * Resolves with the first message of `type` at or after index `from` (default: from now on).
   * Use `from: 0` for what the server sends on connect: it may already have arrived.
   */
  next(type: string, opts?: { from?: number; timeoutMs?: number }): Promise<Envelope>;
  close(): void;
}

export function record(url: string, token: string, opts: { reconnection?: boolean } = {}): Promise<Recorder> {
  const socket = io(url, { auth: { token }, transports: ["websocket"], forceNew: true, reconnection: opts.reconnection ?? false });
  const messages: Envelope[] = [];
  const waiters: { type: string; from: number; resolve: (e: Envelope) => void }[] = [];
  socket.onAny((_event: string, env: Envelope) => {
    messages.push(env);
    for (const w of waiters.slice()) {
      if (w.type === env.type && messages.length - 1 >= w.from) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(env);
      }
    }
  });
  const rec: Recorder = {
    socket,
    messages,
    next(type, { from = messages.length, timeoutMs = 5000 } = {}) {
      const seen = messages.slice(from).find((m) => m.type === type);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${type} within ${timeoutMs} ms; got ${messages.slice(from).map((m) => m.type).join(",") || "nothing"}`)), timeoutMs);
        waiters.push({ type, from, resolve: (e) => (clearTimeout(timer), resolve(e)) });
      });
    },
    close: () => socket.close(),
  };
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(rec));
    socket.once("connect_error", reject);
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
