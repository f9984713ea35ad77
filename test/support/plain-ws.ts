// A raw `ws` client for the plain WebSocket endpoints (the original clients' protocol): records
// every frame, the WebSocket pings it gets and how the socket closed. `autoPong: false` never
// answers pings; `quiet` swallows socket errors (for connections the server is meant to cut).
import WebSocket from "ws";
import { until } from "./socket";

export type Frame = Record<string, unknown> & { type: string; data?: Record<string, unknown>; code?: string };

export function plainWs(url: string, opts: WebSocket.ClientOptions & { quiet?: boolean } = {}) {
  const { quiet, ...options } = opts;
  const ws = new WebSocket(url, options);
  const frames: Frame[] = [];
  let closed: { code: number; reason: string } | null = null;
  let pings = 0;
  ws.on("message", (raw) => frames.push(JSON.parse(raw.toString()) as Frame));
  ws.on("ping", () => pings++);
  ws.on("close", (code, reason) => (closed = { code, reason: reason.toString() }));
  if (quiet) ws.on("error", () => {});
  /** The first frame from `from` on that is of type `match` (or satisfies it), within the deadline. */
  const next = async (match: string | ((f: Frame) => boolean), from = 0, timeoutMs = 5000, what?: string) => {
    const pred = typeof match === "string" ? (f: Frame) => f.type === match : match;
    let hit: Frame | undefined;
    await until(
      () => !!(hit = frames.slice(from).find(pred)),
      timeoutMs,
      what ?? (typeof match === "string" ? `a ${match} frame` : "a frame"),
    );
    return hit!;
  };
  return {
    ws,
    frames,
    next,
    closed: () => closed,
    pings: () => pings,
    opened: () => new Promise<void>((resolve, reject) => (ws.once("open", () => resolve()), ws.once("error", reject))),
    send: (msg: unknown) => ws.send(JSON.stringify(msg)),
  };
}
