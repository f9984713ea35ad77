// Server-Sent Events for a channel: the same envelopes as every other transport, framed as
//   event: <type> / id: <id> / data: <envelope JSON>
// First what the client missed after Last-Event-ID (or a snapshot), then live messages; a
// comment heartbeat; a retry hint. One cleanup path releases the stream — the client went away
// (abort, cancel), the catch-up failed, it stopped reading past the bound (it is told
// `slow_consumer`; if it does not read that either, the response is aborted so the stalled
// socket is freed), its credential ended, or the server is shutting down.
import "server-only";
import type { Principal, AuthResult } from "../../auth/principal";
import type { Config } from "../../config";
import type { Logger } from "../../log";
import type { AnyChannel, Logged } from "../channel";
import { CODES, errorData, type Code } from "../../contract/codes";
import { sseComment, sseEvent, sseRetry } from "../../contract/frames";
import { EVICTION_GRACE_MS, type LiveConnection } from "../connections";
import type { RealtimeHub } from "../hub";
import type { ChannelName } from "../../contract/protocol";

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

export class SseRefusal extends Error {
  constructor(
    readonly code: Code,
    message: string,
  ) {
    super(message);
  }
}

export function sseResponse(
  deps: SseDeps,
  name: ChannelName,
  auth: { principal: Principal; recheck: () => Promise<AuthResult> },
  opts: { cursor: string | null; signal: AbortSignal; destroySocket?: () => void },
): Response {
  const { hub, config, log } = deps;
  const channel: AnyChannel = hub.channels[name];
  let cleanup = () => {};
  let closeWith: LiveConnection["close"] = () => {};
  const conn: LiveConnection = {
    channel: name,
    transport: "sse",
    principal: auth.principal,
    recheck: auth.recheck,
    close: (code, message) => closeWith(code, message),
  };
  const refused = hub.connections.admit(conn);
  if (refused) throw new SseRefusal(refused, hub.connections.refusalMessage(refused, name));

  // Frames wait in our own queue (the stream pulls one at a time), so an eviction can drop what
  // the client has not read and queue only the notice in its place.
  let queue: Uint8Array[] = [];
  let ending = false;
  /** The stream has handed over its last frame. */
  let done = false;
  let wake: (() => void) | null = null;
  let open = true;
  let removeSink = () => {};
  const push = (bytes: Uint8Array) => {
    queue.push(bytes);
    wake?.();
    wake = null;
  };
  /** Queues a last frame, then ends the stream once it has been read. */
  const finish = (last: Uint8Array) => {
    ending = true;
    push(last);
  };
  const enqueue = (bytes: Uint8Array) => {
    if (!open) return;
    if (queue.length < config.SLOW_CLIENT_MAX_QUEUE) return push(bytes);
    // A client that stopped reading: drop it rather than queue without bound. It gets the
    // grace period to read the notice; then the response is aborted, not politely closed, so
    // the stalled socket is freed.
    hub.counters.slowClientEvictions++;
    log.warn({ channel: name, user: conn.principal.userId }, "slow SSE client disconnected");
    queue = [];
    finish(frame(channel.errorMessage(errorData("slow_consumer"))));
    cleanup();
    // Ending the stream politely is not enough: the end may wait behind bytes a stalled reader
    // never takes, so the socket is destroyed after the grace period either way.
    setTimeout(() => opts.destroySocket?.(), EVICTION_GRACE_MS).unref();
  };
  let heartbeat: NodeJS.Timeout | undefined;
  cleanup = () => {
    if (!open) return;
    open = false;
    clearInterval(heartbeat);
    removeSink();
    hub.connections.remove(conn);
    opts.signal.removeEventListener("abort", cleanup);
    wake?.();
  };

  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        closeWith = (code, message = CODES[code].message) => {
          if (!open) return;
          finish(frame(channel.errorMessage(errorData(code, message))));
          cleanup();
        };
        heartbeat = setInterval(
          () => enqueue(encoder.encode(sseComment(`heartbeat ${new Date().toISOString()}`))),
          config.SSE_HEARTBEAT_MS,
        );
        opts.signal.addEventListener("abort", cleanup, { once: true });
        if (opts.signal.aborted) return cleanup();
        enqueue(encoder.encode(sseRetry(config.SSE_RETRY_MS)));
        channel
          .attach(opts.cursor, {
            send: (m) => enqueue(frame(m)),
            live: () => {
              if (open) removeSink = channel.addSink((m) => enqueue(frame(m)));
            },
            isClosed: () => !open,
          })
          .catch((err: unknown) => {
            log.error({ err, channel: name }, "SSE catch-up failed");
            cleanup();
            done = true;
            try {
              controller.error(err);
            } catch {
              /* already closed */
            }
          });
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
