// Server-Sent Events for a channel: the same envelopes as every other transport, framed as
//   event: <type> / id: <id> / data: <envelope JSON>
// First what the client missed after Last-Event-ID (or a snapshot), then live messages; a
// comment heartbeat; a retry hint. A thin adapter of the transport core (transport-core.ts),
// which admits, resumes, fans out and evicts. One cleanup path releases the stream — the client
// went away (abort, cancel), the catch-up failed, it stopped reading past the bound (it is told
// `slow_consumer`; if it does not read that either, the response is aborted so the stalled
// socket is freed), its credential ended, or the server is shutting down.
import "server-only";
import type { Principal, AuthResult } from "../../auth/principal";
import type { Config } from "../../config";
import type { Code } from "../../contract/codes";
import { sseComment, sseEvent, sseRetry } from "../../contract/frames";
import type { ChannelName } from "../../contract/protocol";
import type { Logger } from "../../log";
import type { Logged } from "../channel";
import type { RealtimeHub } from "../hub";
import type { LiveSession, TransportAdapter } from "../transport-core";

const encoder = new TextEncoder();
const frames = new WeakMap<Logged, Uint8Array>();
/** A logged message's SSE frame, encoded once however many streams carry it. */
function frame(m: Logged): Uint8Array {
  let f = frames.get(m);
  if (!f) {
    f = encoder.encode(sseEvent(m.envelope, m.json));
    frames.set(m, f);
  }
  return f;
}

export const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform", // no proxy buffering or compression
  "x-accel-buffering": "no",
} as const;

export interface SseDeps {
  hub: RealtimeHub;
  config: Pick<Config, "SLOW_CLIENT_MAX_QUEUE" | "SSE_HEARTBEAT_MS" | "SSE_RETRY_MS">;
  log: Logger;
}

/** The transport core refused an SSE client: the route answers it with the code's status and the REST error body. */
export class SseRefusal extends Error {
  constructor(
    readonly code: Code,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The SSE adapter of one client: admits it through the transport core (or throws SseRefusal),
 * and answers a stream that resumes after `cursor` and stays live until the client goes away,
 * its credential ends, it is evicted, or the server shuts down.
 */
export function sseResponse(
  deps: SseDeps,
  name: ChannelName,
  auth: { principal: Principal; recheck: () => Promise<AuthResult> },
  opts: { cursor: string | null; signal: AbortSignal; destroySocket?: () => void },
): Response {
  const { hub, config } = deps;
  // Frames wait in our own queue (the stream pulls one at a time), so an eviction can drop what
  // the client has not read and queue only the notice in its place.
  let queue: Uint8Array[] = [];
  let ending = false;
  /** The stream has handed over its last frame. */
  let done = false;
  let wake: (() => void) | null = null;
  let open = true;
  let heartbeat: NodeJS.Timeout | undefined;
  let session: LiveSession | null = null;
  const push = (bytes: Uint8Array) => {
    if (!open) return;
    queue.push(bytes);
    wake?.();
    wake = null;
  };
  const cleanup = () => {
    if (!open) return;
    open = false;
    clearInterval(heartbeat);
    if (session) hub.core.release(session);
    opts.signal.removeEventListener("abort", cleanup);
    wake?.();
  };
  const adapter: TransportAdapter = {
    transport: "sse",
    send: (m) => push(frame(m)),
    queued: () => queue.length,
    // A last frame, then the end of the stream once it has been read.
    close(notice, _code, drop) {
      if (!open) return;
      if (drop) queue = [];
      push(frame(notice));
      ending = true;
      cleanup();
    },
    // Ending the stream politely is not enough for an evicted client: the end may wait behind
    // bytes a stalled reader never takes, so the socket is destroyed.
    terminate: () => opts.destroySocket?.(),
  };
  const admitted = hub.core.admit(name, auth, adapter);
  if (!admitted.ok) throw new SseRefusal(admitted.code, admitted.message);
  session = admitted.session;
  const live = session;

  const stream = new ReadableStream<Uint8Array>(
    {
      start() {
        heartbeat = setInterval(() => push(encoder.encode(sseComment(`heartbeat ${new Date().toISOString()}`))), config.SSE_HEARTBEAT_MS);
        opts.signal.addEventListener("abort", cleanup, { once: true });
        if (opts.signal.aborted) return cleanup();
        push(encoder.encode(sseRetry(config.SSE_RETRY_MS)));
        void hub.core.subscribe(live, opts.cursor, () => !open);
      },
      async pull(controller) {
        while (queue.length === 0 && open && !ending) await new Promise<void>((r) => (wake = r));
        if (done) return;
        const next = queue.shift();
        if (next) controller.enqueue(next);
        if (queue.length === 0 && (ending || !open)) {
          done = true;
          controller.close();
        }
      },
      cancel() {
        cleanup();
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(stream, { headers: SSE_HEADERS });
}
