// The browser's live connection to one channel, whichever way it can be had: Socket.IO over
// WebSocket; else Server-Sent Events; else polling. One retry policy (1, 2, 4, 8, 16 s …), a
// heartbeat, a manual reconnect, periodic attempts to climb back to WebSocket, and a status for
// the header light. The page sees the same envelopes whatever the source, and every source
// resumes after the last envelope it saw, so nothing is missed across a switch.
import { compareIds, parseId, type Envelope } from "../envelope";
import { backoffDelay } from "./backoff";
import type { LiveOptions } from "./options";
import { PollSource } from "./sources/poll-source";
import { SocketSource } from "./sources/socket-source";
import { CHANNEL_EVENTS, CHANNEL_PATHS, type Source, type SourceEvents } from "./sources/source";
import { SseSource } from "./sources/sse-source";
import type { LiveStatus } from "./status-store";

export type LiveChannel = keyof typeof CHANNEL_PATHS;

/** A WebSocket that has never connected on this page is probably blocked: fall back sooner. */
const BLOCKED_AFTER = 2;

export class LiveConnection {
  private ws: SocketSource;
  private sse: SseSource;
  private poll: PollSource;
  private active: Source | null = null;
  private lastId: string | null = null;
  private attempt = 0;
  private wsEverLive = false;
  private probing = false;
  private closed = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private upgradeTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private status: LiveStatus = { state: "connecting", source: null, error: null, attempt: 0, nextRetryAt: null };

  constructor(
    private channel: LiveChannel,
    private opts: LiveOptions,
    private onMessage: (env: Envelope) => void,
    private onStatus: (s: LiveStatus) => void,
    /** Called when a (re)connection could not replay what was missed: refetch it another way. */
    private onResync: () => void = () => {},
  ) {
    const paths = CHANNEL_PATHS[channel];
    this.ws = new SocketSource(paths.socket, opts.connectTimeout, this.events(() => this.ws, { open: () => this.wsOpen(), fail: (e, f) => this.wsFail(e, f) }));
    this.sse = new SseSource(paths.sse, CHANNEL_EVENTS[channel], this.events(() => this.sse, { open: () => this.fallbackOpen("sse"), fail: (e, f) => this.sseFail(e, f) }));
    this.poll = new PollSource(paths.poll, opts.pollInterval, this.events(() => this.poll, { open: () => this.fallbackOpen("polling"), fail: (e, f) => this.pollFail(e, f) }));
  }

  start(): void {
    this.closed = false;
    this.set({ state: "connecting", source: null, error: null, attempt: 0, nextRetryAt: null });
    this.ws.start();
  }

  /** Drop everything and start again from WebSocket now (the Reconnect button). */
  reconnect(): void {
    this.clearTimers();
    this.attempt = 0;
    this.probing = false;
    this.sse.stop();
    this.poll.stop();
    this.ws.stop();
    this.active = null;
    this.set({ state: "connecting", source: null, error: null, attempt: 0, nextRetryAt: null });
    this.ws.start();
  }

  /** `refresh` or `ping`; over SSE or polling, answered through REST with the same envelopes. */
  async command(name: "refresh" | "ping"): Promise<Envelope> {
    if (this.active === this.ws && this.ws.live) return this.ws.command(name);
    const stamp = { id: this.lastId ?? "0-0", timestamp: new Date().toISOString() };
    if (name === "ping") return { type: "pong", ...stamp, data: {} };
    const { url, type } = CHANNEL_PATHS[this.channel].snapshot;
    const res = await fetch(url, { cache: "no-store" });
    if (!res.ok) throw new Error(`refresh failed: HTTP ${res.status}`);
    const env: Envelope = { type, ...stamp, data: await res.json() };
    this.onMessage(env);
    return env;
  }

  close(): void {
    this.closed = true;
    this.clearTimers();
    this.ws.destroy();
    this.sse.stop();
    this.poll.stop();
  }

  // ---- source events -------------------------------------------------------------------------

  private events(self: () => Source, handlers: Pick<SourceEvents, "open" | "fail">): SourceEvents {
    return {
      open: () => !this.closed && handlers.open(),
      fail: (e, fatal) => !this.closed && handlers.fail(e, fatal),
      resync: () => !this.closed && this.onResync(),
      message: (env) => {
        // Only the active source speaks (a WebSocket becomes active in its connect handler,
        // before any of its events arrive).
        if (this.closed || (this.active && this.active !== self())) return;
        if (parseId(env.id) && (!this.lastId || compareIds(env.id, this.lastId) > 0)) this.lastId = env.id;
        this.onMessage(env);
      },
    };
  }

  private wsOpen(): void {
    this.clearTimers();
    this.probing = false;
    this.wsEverLive = true;
    this.attempt = 0;
    if (this.active && this.active !== this.ws) {
      this.sse.stop();
      this.poll.stop();
    }
    this.active = this.ws;
    this.set({ state: "live", source: "websocket", error: null, attempt: 0, nextRetryAt: null });
    this.heartbeat = setInterval(() => this.ws.command("ping").catch(() => this.ws.drop()), this.opts.heartbeatInterval);
  }

  private wsFail(error: string, fatal?: boolean): void {
    this.stopHeartbeat();
    if (this.probing) {
      // Still no WebSocket: stay on the fallback and try again later.
      this.probing = false;
      this.scheduleUpgrade();
      return;
    }
    if (fatal) return this.offline(error);
    if (this.retryTimer) return;
    this.attempt++;
    // A connection that worked gets maxReconnectAttempts retries; one that never did falls back
    // after its BLOCKED_AFTER-th failure.
    const exhausted = this.wsEverLive ? this.attempt > this.opts.maxReconnectAttempts : this.attempt >= Math.min(BLOCKED_AFTER, this.opts.maxReconnectAttempts);
    if (exhausted) {
      if (this.opts.fallbackToPoll) return this.fallTo(this.sse, error);
      return this.offline(`${error}; gave up after ${this.attempt} attempts`);
    }
    const delay = backoffDelay(this.attempt, this.opts.reconnectInterval, this.opts.maxReconnectDelay);
    this.set({ state: "reconnecting", source: null, error, attempt: this.attempt, nextRetryAt: Date.now() + delay });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.ws.start();
    }, delay);
  }

  private sseFail(error: string, fatal?: boolean): void {
    if (fatal) return this.offline(error);
    this.fallTo(this.poll, `${error}; polling instead`);
  }

  private pollFail(error: string, fatal?: boolean): void {
    if (fatal) return this.offline(error);
    // The poller keeps trying at its interval; say that it is not getting through.
    this.set({ state: "reconnecting", source: "polling", error, attempt: this.status.attempt + 1, nextRetryAt: Date.now() + this.opts.pollInterval });
  }

  private fallTo(source: Source, reason: string): void {
    this.clearTimers();
    this.active = source;
    this.set({ ...this.status, state: "reconnecting", source: null, error: reason, nextRetryAt: null });
    source.start(this.lastId);
  }

  private fallbackOpen(state: "sse" | "polling"): void {
    this.attempt = 0;
    this.set({ state, source: state, error: null, attempt: 0, nextRetryAt: null });
    this.scheduleUpgrade();
  }

  private scheduleUpgrade(): void {
    if (this.upgradeTimer || this.closed) return;
    this.upgradeTimer = setTimeout(() => {
      this.upgradeTimer = null;
      this.probing = true;
      this.ws.start(); // on success wsOpen() switches over and stops the fallback
    }, this.opts.upgradeInterval);
  }

  private offline(error: string): void {
    this.clearTimers();
    this.sse.stop();
    this.poll.stop();
    this.active = null;
    this.set({ state: "offline", source: null, error, attempt: this.attempt, nextRetryAt: null });
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  private clearTimers(): void {
    this.stopHeartbeat();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.upgradeTimer) clearTimeout(this.upgradeTimer);
    this.retryTimer = this.upgradeTimer = null;
  }

  private set(s: LiveStatus): void {
    this.status = s;
    this.onStatus(s);
  }
}
