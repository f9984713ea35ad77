// Server-Sent Events for a channel: the same envelopes as Socket.IO, framed as
//   event: <type> / id: <id> / data: <envelope JSON>
// First the snapshot (or, with Last-Event-ID, what was missed), then live messages; a comment
// heartbeat; a retry hint. The stream and its sink are released the moment the client goes
// away (request.signal) or stops reading past the bound (then it reconnects with Last-Event-ID).
import type { NextRequest } from "next/server";
import type { AppContext } from "../context";
import { HttpError } from "../http/errors";
import type { ChannelName } from "./channel";
import { compareIds, type Envelope, type Logged } from "./envelope";
import { catchUp } from "./replay";

const encoder = new TextEncoder();
const frame = (env: Envelope, json = JSON.stringify(env)) => `event: ${env.type}\nid: ${env.id}\ndata: ${json}\n\n`;

export function sseResponse(req: NextRequest, app: AppContext, name: ChannelName, opts: { maxClients?: number } = {}): Response {
  const channel = app.realtime.channels[name];
  const { config } = app;
  if (opts.maxClients !== undefined && channel.clientCount() >= opts.maxClients) {
    throw new HttpError(503, `too many connections: this instance serves at most ${opts.maxClients} clients on this channel`);
  }
  const since = req.headers.get("last-event-id") ?? req.nextUrl.searchParams.get("lastEventId");
  let release = () => {};

  const stream = new ReadableStream<Uint8Array>(
    {
      async start(controller) {
        let open = true;
        const buffered: Logged[] = [];
        let ready = false;
        const write = (text: string) => {
          if (!open) return;
          // A client that stopped reading: drop it rather than queue without bound.
          if ((controller.desiredSize ?? 0) <= -config.SLOW_CLIENT_MAX_QUEUE) return close();
          controller.enqueue(encoder.encode(text));
        };
        const close = () => {
          if (!open) return;
          open = false;
          clearInterval(heartbeat);
          release();
          try {
            controller.close();
          } catch {
            /* already closed */
          }
        };
        // Subscribe before catching up, so nothing published meanwhile is lost.
        release = channel.attachStream((m) => (ready ? write(frame(m.envelope, m.json)) : buffered.push(m)));
        const heartbeat = setInterval(() => write(`: heartbeat ${new Date().toISOString()}\n\n`), config.SSE_HEARTBEAT_MS);
        req.signal.addEventListener("abort", close, { once: true });
        if (req.signal.aborted) return close();

        write(`retry: ${config.SSE_RETRY_MS}\n\n`);
        const c = await catchUp(app, name, since);
        if (c.kind === "messages") c.messages.forEach((e) => write(frame(e)));
        else {
          if (c.reason !== "no_cursor") write(frame(channel.direct("resync", { reason: c.reason, message: "missed messages are no longer available; here is a fresh snapshot" })));
          write(frame(c.snapshot));
        }
        // Messages published while catching up: send those the catch-up did not cover, in order.
        const covered = c.kind === "messages" ? (c.messages.at(-1)?.id ?? since!) : c.snapshot.id;
        for (const m of buffered) if (compareIds(m.envelope.id, covered) > 0) write(frame(m.envelope, m.json));
        ready = true;
      },
      cancel() {
        release();
      },
    },
    { highWaterMark: 1 },
  );

  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform", // no proxy buffering or compression
      "x-accel-buffering": "no",
    },
  });
}
