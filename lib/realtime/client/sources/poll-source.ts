import type { Envelope } from "../../envelope";
import type { Source, SourceEvents } from "./source";

interface PollAnswer {
  messages: Envelope[];
  snapshot?: Envelope;
  resync?: boolean;
  next: string;
}

/** Polls GET …/events/<channel>?since=<cursor>: every message, in order, at pollInterval. */
export class PollSource implements Source {
  readonly name = "polling" as const;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private cursor: string | null = null;
  private running = false;
  private ok = false;

  constructor(private url: string, private intervalMs: number, private on: SourceEvents) {}

  get live() {
    return this.running && this.ok;
  }

  start(lastId: string | null): void {
    this.stop();
    this.cursor = lastId;
    this.running = true;
    void this.poll();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async poll(): Promise<void> {
    this.timer = null;
    try {
      const res = await fetch(this.cursor ? `${this.url}?since=${encodeURIComponent(this.cursor)}` : this.url, { cache: "no-store" });
      if (!res.ok) throw Object.assign(new Error(`polling failed: HTTP ${res.status}`), { status: res.status });
      const body = (await res.json()) as PollAnswer;
      if (!this.running) return;
      if (!this.ok) {
        this.ok = true;
        this.on.open();
      }
      if (body.resync) this.on.resync();
      if (body.snapshot) this.on.message(body.snapshot);
      body.messages.forEach((m) => this.on.message(m));
      this.cursor = body.next;
    } catch (e) {
      if (!this.running) return;
      this.ok = false;
      const status = (e as { status?: number }).status;
      this.on.fail((e as Error).message, status === 401 || status === 403);
      if (status === 401 || status === 403) return;
    }
    if (this.running) this.timer = setTimeout(() => void this.poll(), this.intervalMs);
  }
}
