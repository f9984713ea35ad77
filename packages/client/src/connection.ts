// The browser's live connection to one channel, whichever way it can be had: Socket.IO over
// WebSocket; else Server-Sent Events; else polling. One retry policy (1, 2, 4, 8, 16 s …), a
// heartbeat, a manual reconnect, periodic attempts to climb back to WebSocket, and a status for
// the header light. The page sees the same envelopes whatever the source, and every source —
// including each WebSocket (re)connect — resumes after the last envelope id the page holds, so
// nothing is missed or doubled across a drop or a switch. Codes the server calls terminal stop
// the retries: the page says the session ended instead of reconnecting forever.
import type { Code } from "../../../lib/contract/codes";
import { compareIds, epochOf, parseId } from "../../../lib/contract/ids";
import { backoffDelay } from "../../../lib/contract/backoff";
import { CHANNELS } from "../../../lib/contract/channels";
import type { ErrorData } from "../../../lib/contract/codes";
import { LOGGED_TYPES, SNAPSHOT_TYPE, type ChannelName, type Message, type SnapshotMessage } from "../../../lib/contract/protocol";
import { isRestError } from "../../../lib/contract/rest-error";
import { href, SAME_ORIGIN, type Endpoint } from "./endpoint";
import type { LiveOptions } from "./options";
import { PollSource } from "./sources/poll-source";
import { SocketSource } from "./sources/socket-source";
import type { Source, SourceEvents, SourceName } from "./sources/source";
import { SseSource } from "./sources/sse-source";
import { INITIAL_STATUS, type LiveStatus } from "./status";

/** A WebSocket that has never connected on this page is probably blocked: fall back sooner. */
const BLOCKED_AFTER = 2;

/** The Socket.IO source as the manager uses it (SocketSource; a fake in tests). */
export type SocketLike<C extends ChannelName> = Source & Pick<SocketSource<C>, "command" | "advance" | "destroy" | "drop">;

/** The three sources of one channel, each reporting to its own events. */
export interface ChannelSources<C extends ChannelName> {
  socket: SocketLike<C>;
  sse: Source;
  poll: Source;
}
export type SourceFactory<C extends ChannelName> = (
  channel: C,
  opts: LiveOptions,
  events: { socket: SourceEvents<C>; sse: SourceEvents<C>; poll: SourceEvents<C> },
  ep: Endpoint,
) => ChannelSources<C>;

/** The real sources: Socket.IO, Server-Sent Events, polling. */
export function browserSources<C extends ChannelName>(
  channel: C,
  opts: LiveOptions,
  events: Parameters<SourceFactory<C>>[2],
  ep: Endpoint = SAME_ORIGIN,
): ChannelSources<C> {
  const paths = CHANNELS[channel];
  return {
    socket: new SocketSource<C>(paths.namespace, opts.connectTimeout, events.socket, ep),
    sse: new SseSource<C>(paths.sse, channel, events.sse, ep),
    poll: new PollSource<C>(paths.poll, opts.pollInterval, events.poll, ep),
  };
}

/** Where a connection goes, over which transports, and from which envelope on. */
export interface ConnectionTarget {
  /** The server and the credential (default: the page's own origin and cookie). */
  endpoint?: Endpoint;
  /** The transports to use, in the fallback order WebSocket → SSE → polling (default: all three). */
  transports?: readonly SourceName[];
  /** Resume after this envelope id (a cursor kept from an earlier connection). */
  lastId?: string | null;
}

export const ALL_TRANSPORTS: readonly SourceName[] = ["websocket", "sse", "polling"];

/**
 * The live connection of one page to one channel: Socket.IO, else SSE, else polling, with one
 * retry policy, a heartbeat, a manual reconnect, upgrade probes and a status (see the file comment).
 */
export class ChannelConnection<C extends ChannelName> {
  private socket: SocketLike<C>;
  private sse: Source;
  private poll: Source;
  private active: Source | null = null;
  private lastId: string | null;
  private ep: Endpoint;
  private transports: ReadonlySet<SourceName>;
  private attempt = 0;
  private socketEverLive = false;
  private probing = false;
  private closed = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private upgradeTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private status: LiveStatus = INITIAL_STATUS;
  /** When the channel last proved alive (any message, or a heartbeat answer). */
  aliveAt: number | null = null;

  constructor(
    private channel: C,
    private opts: LiveOptions,
    private onMessage: (env: Message<C>) => void,
    private onStatus: (s: LiveStatus) => void,
    /** Called when a (re)connection could not replay what was missed: refetch it another way. */
    private onResync: () => void = () => {},
    /** A refresh over REST (SSE and polling): the channel's snapshot data, as a snapshot message carries it. */
    private onRefreshed: (data: SnapshotMessage<C>["data"]) => void = () => {},
    sources: SourceFactory<C> = browserSources,
    target: ConnectionTarget = {},
  ) {
    this.ep = target.endpoint ?? SAME_ORIGIN;
    this.lastId = target.lastId ?? null;
    this.transports = new Set(target.transports?.length ? target.transports : ALL_TRANSPORTS);
    const made = sources(
      channel,
      opts,
      {
        socket: this.events(() => this.socket, { open: () => this.socketOpen(), fail: (e, t) => this.socketFail(e, t) }),
        sse: this.events(() => this.sse, { open: () => this.fallbackOpen("sse"), fail: (e, t) => this.sseFail(e, t) }),
        poll: this.events(() => this.poll, { open: () => this.fallbackOpen("polling"), fail: (e, t) => this.pollFail(e, t) }),
      },
      this.ep,
    );
    this.socket = made.socket;
    this.sse = made.sse;
    this.poll = made.poll;
  }

  /** The last envelope id this connection holds: pass it as `lastId` to resume elsewhere. */
  get cursor(): string | null {
    return this.lastId;
  }

  /** Connects (Socket.IO first, or the first transport allowed), resuming after the last envelope this connection holds. */
  start(): void {
    this.closed = false;
    this.set(INITIAL_STATUS);
    this.first();
  }

  /** The first transport of the chain that is allowed. */
  private first(): void {
    if (this.transports.has("websocket")) return this.socket.start(this.lastId);
    this.active = this.transports.has("sse") ? this.sse : this.poll;
    this.active.start(this.lastId);
  }

  /** Drop everything and start again from WebSocket now (the Reconnect button). */
  reconnect(): void {
    this.clearTimers();
    this.attempt = 0;
    this.probing = false;
    this.sse.stop();
    this.poll.stop();
    this.socket.stop();
    this.active = null;
    this.set(INITIAL_STATUS);
    this.first();
  }

  /**
   * `refresh` or `ping` on whichever source is live; rejects with the server's words when it
   * refuses (a rate limit). Over Socket.IO the answer arrives as a message like any other. Over
   * SSE or polling, `refresh` goes through REST (GET the snapshot with ?refresh=1: the same
   * re-read, rate limit and answer) and its data goes to `onRefreshed`; `ping` has nothing to ask
   * (the source's own requests prove it alive). The browser never makes an envelope of its own.
   */
  async command(name: "refresh" | "ping"): Promise<void> {
    if (this.active === this.socket && this.socket.live) {
      const reply = await this.socket.command(name);
      if (reply.type === "error") throw new Error((reply.data as ErrorData).error);
      return;
    }
    if (name === "ping") return;
    const res = await fetch(href(this.ep, CHANNELS[this.channel].snapshot, { refresh: "1" }), {
      cache: "no-store",
      headers: this.ep.headers,
    });
    const body = (await res.json().catch(() => ({}))) as unknown;
    if (!res.ok) throw new Error(isRestError(body) ? body.error : `refresh failed: HTTP ${res.status}`);
    this.aliveAt = Date.now();
    this.onRefreshed(body as SnapshotMessage<C>["data"]);
  }

  /** Ends the connection for good (the page unmounts): every source stops, no timer is left. */
  close(): void {
    this.closed = true;
    this.clearTimers();
    this.socket.destroy();
    this.sse.stop();
    this.poll.stop();
  }

  // ---- source events -------------------------------------------------------------------------

  private events(self: () => Source, handlers: Pick<SourceEvents<C>, "open" | "fail">): SourceEvents<C> {
    const moves = new Set<string>([...LOGGED_TYPES[this.channel], SNAPSHOT_TYPE[this.channel]]);
    return {
      open: () => !this.closed && handlers.open(),
      fail: (e, terminal) => !this.closed && handlers.fail(e, terminal),
      resync: () => !this.closed && this.onResync(),
      message: (env) => {
        // Only the active source speaks (a WebSocket becomes active in its connect handler,
        // before any of its events arrive).
        if (this.closed || (this.active && this.active !== self())) return;
        this.aliveAt = Date.now();
        // The cursor moves on the log's messages and snapshots only, never on replies; an id of
        // another epoch (the log was reset, and a resync brought us into the new one) always.
        const later = () => !this.lastId || epochOf(env.id) !== epochOf(this.lastId) || compareIds(env.id, this.lastId) > 0;
        if (moves.has(env.type) && parseId(env.id) && later()) {
          this.lastId = env.id;
          this.socket.advance(env.id);
        }
        this.onMessage(env);
      },
    };
  }

  private socketOpen(): void {
    this.clearTimers();
    this.probing = false;
    this.socketEverLive = true;
    this.attempt = 0;
    if (this.active && this.active !== this.socket) {
      this.sse.stop();
      this.poll.stop();
    }
    this.active = this.socket;
    this.aliveAt = Date.now();
    this.set({ ...INITIAL_STATUS, state: "live", source: "websocket" });
    this.heartbeat = setInterval(
      () =>
        this.socket
          .command("ping")
          .then(() => (this.aliveAt = Date.now()))
          .catch(() => this.socket.drop()),
      this.opts.heartbeatInterval,
    );
  }

  private socketFail(error: string, terminal?: Code): void {
    this.stopHeartbeat();
    if (terminal) return this.offline(error, terminal);
    if (this.probing) {
      // Still no WebSocket: stay on the fallback and try again later.
      this.probing = false;
      this.scheduleUpgrade();
      return;
    }
    if (this.retryTimer) return;
    this.attempt++;
    // A connection that worked gets maxReconnectAttempts retries; one that never did falls back
    // after its BLOCKED_AFTER-th failure.
    const exhausted = this.socketEverLive
      ? this.attempt > this.opts.maxReconnectAttempts
      : this.attempt >= Math.min(BLOCKED_AFTER, this.opts.maxReconnectAttempts);
    if (exhausted) {
      if (this.opts.fallbackToPoll && this.transports.has("sse")) return this.fallTo(this.sse, error);
      if (this.opts.fallbackToPoll && this.transports.has("polling")) return this.fallTo(this.poll, error);
      return this.offline(`${error}; gave up after ${this.attempt} attempts`);
    }
    const delay = backoffDelay(this.attempt - 1, this.opts.reconnectInterval, this.opts.maxReconnectDelay);
    this.set({ ...INITIAL_STATUS, state: "reconnecting", error, attempt: this.attempt, nextRetryAt: Date.now() + delay });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.socket.start(this.lastId);
    }, delay);
  }

  private sseFail(error: string, terminal?: Code): void {
    if (terminal) return this.offline(error, terminal);
    if (this.transports.has("polling")) return this.fallTo(this.poll, `${error}; polling instead`);
    // No polling allowed: try SSE again after the back-off (or WebSocket, at the next upgrade probe).
    if (this.retryTimer) return;
    this.attempt++;
    const delay = backoffDelay(this.attempt - 1, this.opts.reconnectInterval, this.opts.maxReconnectDelay);
    this.set({ ...INITIAL_STATUS, state: "reconnecting", error, attempt: this.attempt, nextRetryAt: Date.now() + delay });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.sse.start(this.lastId);
    }, delay);
  }

  private pollFail(error: string, terminal?: Code): void {
    if (terminal) return this.offline(error, terminal);
    // The poller keeps trying at its interval; say that it is not getting through.
    this.set({
      ...INITIAL_STATUS,
      state: "reconnecting",
      source: "polling",
      error,
      attempt: this.status.attempt + 1,
      nextRetryAt: Date.now() + this.opts.pollInterval,
    });
  }

  private fallTo(source: Source, reason: string): void {
    this.clearTimers();
    this.active = source;
    this.set({ ...this.status, state: "reconnecting", source: null, error: reason, nextRetryAt: null });
    source.start(this.lastId);
  }

  private fallbackOpen(state: "sse" | "polling"): void {
    this.attempt = 0;
    this.aliveAt = Date.now();
    this.set({ ...INITIAL_STATUS, state, source: state });
    this.scheduleUpgrade();
  }

  private scheduleUpgrade(): void {
    if (this.upgradeTimer || this.closed || !this.transports.has("websocket")) return;
    this.upgradeTimer = setTimeout(() => {
      this.upgradeTimer = null;
      this.probing = true;
      this.socket.start(this.lastId); // on success socketOpen() switches over and stops the fallback
    }, this.opts.upgradeInterval);
  }

  private offline(error: string, terminal: Code | null = null): void {
    this.clearTimers();
    this.sse.stop();
    this.poll.stop();
    if (terminal) this.socket.stop();
    this.active = null;
    this.set({ ...INITIAL_STATUS, state: "offline", error, terminal, attempt: this.attempt });
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
