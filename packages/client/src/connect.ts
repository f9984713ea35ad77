// connect(): one live channel of a RiskPulse server, from Node or any page — the fallback chain
// WebSocket → SSE → polling with back-off, resume by envelope id, the connection state and the
// typed messages. The app's own pages use the same ChannelConnection underneath.
import type { ChannelName, Message, SnapshotMessage } from "../../../lib/contract/protocol";
import { ChannelConnection } from "./connection";
import { endpoint } from "./endpoint";
import { DEFAULT_LIVE_OPTIONS, type LiveOptions } from "./options";
import type { SourceName } from "./sources/source";
import type { LiveStatus } from "./status";

export interface ConnectOptions<C extends ChannelName = "dashboard"> extends Partial<LiveOptions> {
  /** The server, e.g. "https://risk.example.com" (in a page of the server's own origin: "" or omitted). */
  url?: string;
  /** An API token (created at /account): sent as `Authorization: Bearer` and in the Socket.IO handshake. */
  token?: string;
  /** A session cookie header value (`next-auth.session-token=…`), for Node scripts acting as a signed-in user. */
  cookie?: string;
  /** "dashboard" (everyone) or "quotas" (admins). Default "dashboard". */
  channel?: C;
  /** Transports to try, in this fixed order: WebSocket → SSE → polling. Default all three. */
  transports?: readonly SourceName[];
  /** Dashboard sections to receive (all when unset). */
  sections?: readonly string[];
  /** Dashboard: also follow this risk (its `risk_change`, `score_point`, `mitigation_change`, `risk_deleted`). */
  risk?: number;
  /** Resume after this envelope id (from an earlier `client.lastId`): only what came after it is delivered. */
  lastId?: string;
  onMessage?: (message: Message<C>) => void;
  onStatus?: (status: LiveStatus) => void;
  /** What was missed could not be replayed (the log moved on): a fresh snapshot follows. */
  onResync?: () => void;
}

export interface LiveClient<C extends ChannelName = "dashboard"> {
  /** The connection's state now: connecting, live (WebSocket), sse, polling, reconnecting or offline. */
  readonly status: LiveStatus;
  /** The last envelope id received on the channel's log: pass it as `lastId` to resume later. */
  readonly lastId: string | null;
  /** Subscribes to messages; returns the unsubscribe function. */
  on(event: "message", fn: (message: Message<C>) => void): () => void;
  on(event: "status", fn: (status: LiveStatus) => void): () => void;
  on(event: "resync", fn: () => void): () => void;
  /** Resolves with the first message of `type` from now on (or rejects after `timeoutMs`). */
  next<T extends Message<C>["type"]>(type: T, timeoutMs?: number): Promise<Extract<Message<C>, { type: T }>>;
  /** Asks for a fresh snapshot (over the socket, or REST on SSE and polling); rejects on a rate limit. */
  refresh(): Promise<void>;
  /** Drops the connection and starts again from WebSocket now. */
  reconnect(): void;
  /** Ends the connection for good: no timer or socket is left. */
  close(): void;
}

/**
 * Connects to one channel and keeps the connection: WebSocket first, SSE and polling when it is
 * blocked, back-off between attempts, every reconnect resuming after the last envelope held.
 *
 * @example
 * const client = connect({ url: "https://risk.example.com", token: process.env.RISKPULSE_TOKEN });
 * client.on("message", (m) => m.type === "dashboard_update" && console.log(m.data.metrics));
 */
export function connect<C extends ChannelName = "dashboard">(opts: ConnectOptions<C> = {}): LiveClient<C> {
  const channel = (opts.channel ?? "dashboard") as C;
  const options: LiveOptions = { ...DEFAULT_LIVE_OPTIONS };
  for (const k of Object.keys(DEFAULT_LIVE_OPTIONS) as (keyof LiveOptions)[])
    if (opts[k] !== undefined) (options as unknown as Record<string, unknown>)[k] = opts[k];
  const listeners = {
    message: new Set<(m: Message<C>) => void>(),
    status: new Set<(s: LiveStatus) => void>(),
    resync: new Set<() => void>(),
  };
  if (opts.onMessage) listeners.message.add(opts.onMessage);
  if (opts.onStatus) listeners.status.add(opts.onStatus);
  if (opts.onResync) listeners.resync.add(opts.onResync);
  let status: LiveStatus | null = null;
  const conn: ChannelConnection<C> = new ChannelConnection<C>(
    channel,
    options,
    (m) => listeners.message.forEach((l) => l(m)),
    (s) => {
      status = s;
      listeners.status.forEach((l) => l(s));
    },
    () => listeners.resync.forEach((l) => l()),
    // A refresh answered over REST: delivered as the snapshot message the socket would have sent.
    (data) => {
      const m = {
        type: channel === "dashboard" ? "dashboard_update" : "stats",
        id: "",
        timestamp: new Date().toISOString(),
        data,
      } as SnapshotMessage<C>;
      listeners.message.forEach((l) => l(m as unknown as Message<C>));
    },
    undefined,
    { endpoint: endpoint(opts), transports: opts.transports, lastId: opts.lastId ?? null },
  );
  conn.start();
  const client: LiveClient<C> = {
    get status() {
      return status!;
    },
    get lastId() {
      return conn.cursor;
    },
    on(event: "message" | "status" | "resync", fn: (...a: never[]) => void) {
      const set = listeners[event] as Set<typeof fn>;
      set.add(fn);
      return () => void set.delete(fn);
    },
    next(type, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => (off(), reject(new Error(`no ${type} within ${timeoutMs} ms`))), timeoutMs);
        const off = client.on("message", (m) => {
          if (m.type !== type) return;
          clearTimeout(timer);
          off();
          resolve(m as Extract<Message<C>, { type: typeof type }>);
        });
      });
    },
    refresh: () => conn.command("refresh"),
    reconnect: () => conn.reconnect(),
    close: () => conn.close(),
  };
  return client;
}
