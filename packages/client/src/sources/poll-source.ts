import { isCode, isTerminal } from "../../../../lib/contract/codes";
import type { ChannelName, Message, PollAnswer } from "../../../../lib/contract/protocol";
import { href, SAME_ORIGIN, type Endpoint } from "../endpoint";
import type { Source, SourceEvents } from "./source";

/** Polls GET …/events/<channel>?since=<cursor>: every message, in order, at pollInterval. */
export class PollSource<C extends ChannelName> implements Source {
  readonly name = "polling" as const;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private cursor: string | null = null;
  /** Bumped by every start/stop: an answer for an older loop is dropped, so restarts never run two loops. */
  private generation = 0;
  private ok = false;

  constructor(
    private url: string,
    private intervalMs: number,
    private on: SourceEvents<C>,
    private ep: Endpoint = SAME_ORIGIN,
  ) {}

  get live() {
    return this.generation > 0 && this.ok;
  }

  start(lastId: string | null): void {
    this.stop();
    this.cursor = lastId;
    void this.poll(this.generation);
  }

  stop(): void {
    this.generation++;
    this.ok = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async poll(gen: number): Promise<void> {
    this.timer = null;
    try {
      const res = await fetch(href(this.ep, this.url, { since: this.cursor }), { cache: "no-store", headers: this.ep.headers });
      if (gen !== this.generation) return;
      if (!res.ok) {
        const body = (await res.json().catch(() => ({}))) as { code?: unknown; error?: string };
        throw Object.assign(new Error(body.error ?? `polling failed: HTTP ${res.status}`), { code: body.code, status: res.status });
      }
      const body = (await res.json()) as PollAnswer<C>;
      if (gen !== this.generation) return;
      if (!this.ok) {
        this.ok = true;
        this.on.open();
      }
      if ("snapshot" in body) {
        if (body.resync) this.on.resync();
        this.on.message(body.snapshot as unknown as Message<C>);
      }
      body.messages.forEach((m) => this.on.message(m));
      this.cursor = body.next;
    } catch (e) {
      if (gen !== this.generation) return;
      this.ok = false;
      const { code, status } = e as { code?: unknown; status?: number };
      const terminal = isCode(code) && isTerminal(code) ? code : status === 401 ? "unauthorized" : status === 403 ? "forbidden" : undefined;
      this.on.fail((e as Error).message, terminal);
      if (terminal) return;
    }
    if (gen === this.generation) this.timer = setTimeout(() => void this.poll(gen), this.intervalMs);
  }
}
