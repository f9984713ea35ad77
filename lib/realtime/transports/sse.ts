// Server-Sent Events for a channel: the same envelopes as every other transport, framed as
//   event: <type> / id: <id> / data: <envelope JSON>
// First what the client missed after Last-Event-ID (or a snapshot), then live messages; a
// comment heartbeat; a retry hint. One cleanup path releases the stream — the client went away
// (abort, cancel), the catch-up failed, it stopped reading past the bound (the response is then
// aborted, not politely closed, so the stalled socket is freed), its credential ended, or the
// server is shutting down.
import "server-only";
import type { Principal, AuthResult } from "../../auth/principal";
import type { Config } from "../../config";
import type { Logger } from "../../log";
import type { AnyChannel, Logged } from "../channel";
import { CODES, errorData, type Code } from "../codes";
import type { LiveConnection } from "../connections";
import type { RealtimeHub } from "../hub";
import type { ChannelName } from "../protocol";

const encoder = new TextEncoder();
const frames = new WeakMap<Logged, Uint8Array>();
/** A logged message's SSE frame, encoded once however many streams carry it. */
function frame(m: Logged): Uint8Array {
  let f = frames.get(m);
  if (!f) {
    f = encoder.encode(`event: ${m.envelope.type}\nid: ${m.envelope.id}\ndata: ${m.json}\n\n`);
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

  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        let open = true;
        let removeSink = () => {};
        cleanup = () => {
          if (!open) return;
          open = false;
          clearInterval(heartbeat);
          removeSink();
          hub.connections.remove(conn);
          opts.signal.removeEventListener("abort", cleanup);
        };
        const enqueue = (bytes: Uint8Array) => {
          if (!open) return;
          // A client that stopped reading: drop it rather than queue without bound.
          if ((controller.desiredSize ?? 0) <= -config.SLOW_CLIENT_MAX_QUEUE) {
            hub.counters.slowClientEvictions++;
            log.warn({ channel: name, user: conn.principal.userId }, "slow SSE client disconnected");
            cleanup();
            opts.destroySocket?.(); // the response is stuck waiting for a drain that never comes
            // An abort, not a failure: Next ends the response quietly instead of logging a stack.
            controller.error(new DOMException("slow consumer", "AbortError"));
            return;
          }
          controller.enqueue(bytes);
        };
        closeWith = (code, message = CODES[code].message) => {
          enqueue(frame(channel.errorMessage(errorData(code, message))));
          cleanup();
          try {
            controller.close();
          } catch {
            /* already closed */
          }
        };
        const heartbeat = setInterval(
          () => enqueue(encoder.encode(`: heartbeat ${new Date().toISOString()}\n\n`)),
          config.SSE_HEARTBEAT_MS,
        );
        opts.signal.addEventListener("abort", cleanup, { once: true });
        if (opts.signal.aborted) return cleanup();
        enqueue(encoder.encode(`retry: ${config.SSE_RETRY_MS}\n\n`));
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
            try {
              controller.error(err);
            } catch {
              /* already closed */
            }
          });
      },
      cancel() {
        cleanup();
      },
    },
    { highWaterMark: 1 },
  );
  return new Response(stream, { headers: SSE_HEADERS });
}
