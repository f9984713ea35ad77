import { isTerminal, type ErrorData } from "../../contract/codes";
import { MESSAGE_TYPES, type ChannelName, type Message } from "../../contract/protocol";
import type { Source, SourceEvents } from "./source";

/** EventSource; the browser resends Last-Event-ID on its own reconnects, we pass it on our first. */
export class SseSource<C extends ChannelName> implements Source {
  readonly name = "sse" as const;
  private es: EventSource | null = null;
  private opened = false;

  constructor(
    private url: string,
    private channel: C,
    private on: SourceEvents<C>,
    /** Extra query (`sections=a,b`), or "". */
    private query = "",
  ) {}

  get live() {
    return this.es?.readyState === 1;
  }

  start(lastId: string | null): void {
    this.stop();
    const params = [this.query, lastId ? `lastEventId=${encodeURIComponent(lastId)}` : ""].filter(Boolean).join("&");
    const es = new EventSource(params ? `${this.url}?${params}` : this.url);
    this.opened = false;
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
      es.addEventListener(type, (e) => {
        const env = JSON.parse((e as MessageEvent<string>).data) as Message<C>;
        if (env.type === "resync") this.on.resync();
        this.on.message(env);
        if (env.type === "error" && isTerminal((env.data as ErrorData).code)) {
          es.close();
          this.on.fail((env.data as ErrorData).error, (env.data as ErrorData).code);
        }
      });
    }
    this.es = es;
  }

  stop(): void {
    this.es?.close();
    this.es = null;
  }
}
