import { isTerminal, type ErrorData } from "../../../../lib/contract/codes";
import { MESSAGE_TYPES, type ChannelName, type Message } from "../../../../lib/contract/protocol";
import { href, SAME_ORIGIN, type Endpoint } from "../endpoint";
import type { Source, SourceEvents } from "./source";

/** How long a fetch-read stream waits before reading again after a drop (the server's `retry:` hint wins). */
const DEFAULT_RETRY_MS = 3000;

/**
 * Server-Sent Events. In a browser on its own origin: EventSource, which resends Last-Event-ID on
 * its own reconnects (we pass the cursor on the first). Where there is no EventSource (Node) or a
 * credential must go in a header: the stream read with fetch, reconnecting from the last id the
 * same way. Either way a stream that never opens, or is refused, is reported as a failure.
 */
export class SseSource<C extends ChannelName> implements Source {
  readonly name = "sse" as const;
  private es: EventSource | null = null;
  private reader: AbortController | null = null;
  private opened = false;
  private isLive = false;

  constructor(
    private url: string,
    private channel: C,
    private on: SourceEvents<C>,
    private ep: Endpoint = SAME_ORIGIN,
  ) {}

  get live() {
    return this.es ? this.es.readyState === 1 : this.isLive;
  }

  start(lastId: string | null): void {
    this.stop();
    this.opened = false;
    if (typeof EventSource === "function" && Object.keys(this.ep.headers).length === 0) this.startEventSource(lastId);
    else void this.read(lastId, new AbortController());
  }

  stop(): void {
    this.es?.close();
    this.es = null;
    this.reader?.abort();
    this.reader = null;
    this.isLive = false;
  }

  /** One envelope: resyncs and terminal errors are the source's business too. Returns false when the stream must end. */
  private deliver(env: Message<C>): boolean {
    if (env.type === "resync") this.on.resync();
    this.on.message(env);
    if (env.type === "error" && isTerminal((env.data as ErrorData).code)) {
      this.stop();
      this.on.fail((env.data as ErrorData).error, (env.data as ErrorData).code);
      return false;
    }
    return true;
  }

  private startEventSource(lastId: string | null): void {
    const es = new EventSource(href(this.ep, this.url, { lastEventId: lastId }));
    es.onopen = () => {
      this.opened = true;
      this.on.open();
    };
    es.onerror = () => {
      // Closed for good (an HTTP error such as 401/403/503), or dropped before it ever opened:
      // report it. A drop after opening is retried by the browser itself with Last-Event-ID.
      if (es.readyState === 2 || !this.opened) {
        es.close();
        this.on.fail(es.readyState === 2 ? "server-sent events refused" : "server-sent events unavailable");
      }
    };
    for (const type of MESSAGE_TYPES[this.channel]) {
      es.addEventListener(type, (e) => this.deliver(JSON.parse((e as MessageEvent<string>).data) as Message<C>));
    }
    this.es = es;
  }

  private async read(lastId: string | null, abort: AbortController): Promise<void> {
    this.reader = abort;
    let cursor = lastId;
    let retryMs = DEFAULT_RETRY_MS;
    for (;;) {
      try {
        const res = await fetch(href(this.ep, this.url, { lastEventId: cursor }), {
          headers: { ...this.ep.headers, accept: "text/event-stream" },
          signal: abort.signal,
        });
        if (!res.ok || !res.body) {
          const body = (await res.json().catch(() => ({}))) as { code?: unknown; error?: string };
          const code = isTerminal(body.code)
            ? (body.code as ErrorData["code"])
            : res.status === 401
              ? "unauthorized"
              : res.status === 403
                ? "forbidden"
                : undefined;
          this.isLive = false;
          return this.on.fail(body.error ?? `server-sent events refused: HTTP ${res.status}`, code);
        }
        this.isLive = true;
        if (!this.opened) {
          this.opened = true;
          this.on.open();
        }
        const decoder = new TextDecoder();
        let buffer = "";
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let data = "";
            for (const line of block.split("\n")) {
              if (line.startsWith("data:")) data += line.slice(line[5] === " " ? 6 : 5);
              else if (line.startsWith("id:")) cursor = line.slice(3).trim();
              else if (line.startsWith("retry:")) retryMs = Number(line.slice(6)) || retryMs;
            }
            if (data && !this.deliver(JSON.parse(data) as Message<C>)) return;
          }
        }
      } catch {
        if (abort.signal.aborted) return;
        if (!this.opened) return this.on.fail("server-sent events unavailable");
      }
      if (abort.signal.aborted) return;
      // Dropped after it had opened: read again from the last id, as EventSource would.
      this.isLive = false;
      await new Promise((r) => setTimeout(r, retryMs));
      if (abort.signal.aborted) return;
    }
  }
}
