// @riskpulse/client/react: React bindings with the original dashboard client's names and return
// shapes. useLiveChannel is what the app's own pages are built on; useWebSocketDashboard,
// useDashboardWithWebSocket and useWebSocketStatus are the seed's hooks on top of it.
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";
import type { ChannelName, DashboardUpdate, Message, SnapshotMessage } from "../../../lib/contract/protocol";
import { isTerminal } from "../../../lib/contract/codes";
import { ChannelConnection, type ConnectionTarget } from "./connection";
import { applyDashboardMessage } from "./dashboard-state";
import { endpoint } from "./endpoint";
import { DEFAULT_LIVE_OPTIONS, type LiveOptions } from "./options";
import type { SourceName } from "./sources/source";
import { INITIAL_STATUS, type LiveStatus } from "./status";
import { statusStore } from "./status-store";

export { statusStore } from "./status-store";

/** Where a hook connects (default: the page's own origin and session cookie) and how. */
export interface LiveTarget {
  url?: string;
  token?: string;
  transports?: readonly SourceName[];
  sections?: readonly string[];
  /** Dashboard: also follow this risk's messages. */
  risk?: number;
  /** Resume after this envelope id (a page rendered on the server: the log's position when it read its data). */
  lastId?: string;
}

/**
 * One live channel for a component: opens the connection on mount, hands every envelope to
 * `onMessage`, publishes the status (statusStore: the header light, useWebSocketStatus) and
 * closes on unmount. Changing `options` or `target` reconnects.
 */
export function useLiveChannel<C extends ChannelName>(
  channel: C,
  onMessage: (env: Message<C>, conn: ChannelConnection<C>) => void,
  options: Partial<LiveOptions> = {},
  onResync: () => void = () => {},
  /** A refresh answered over REST (SSE, polling): the snapshot's data. */
  onRefreshed: (data: SnapshotMessage<C>["data"]) => void = () => {},
  target: LiveTarget & { enabled?: boolean } = {},
) {
  const [status, setStatus] = useState<LiveStatus>(INITIAL_STATUS);
  const [aliveAt, setAliveAt] = useState<number | null>(null);
  const conn = useRef<ChannelConnection<C> | null>(null);
  const handler = useRef(onMessage);
  const resync = useRef(onResync);
  const refreshed = useRef(onRefreshed);
  useEffect(() => {
    handler.current = onMessage;
    resync.current = onResync;
    refreshed.current = onRefreshed;
  });
  const key = JSON.stringify([options, target]);

  useEffect(() => {
    const [opts, t] = JSON.parse(key) as [Partial<LiveOptions>, LiveTarget & { enabled?: boolean }];
    if (t.enabled === false) return;
    const how: ConnectionTarget = { endpoint: endpoint(t), transports: t.transports, lastId: t.lastId ?? null };
    const c = new ChannelConnection<C>(
      channel,
      { ...DEFAULT_LIVE_OPTIONS, ...opts },
      (env) => {
        setAliveAt(Date.now());
        handler.current(env, c);
      },
      (s) => {
        setStatus(s);
        if (s.state !== "offline" && s.state !== "connecting" && s.state !== "reconnecting") setAliveAt(c.aliveAt);
        statusStore.publish(s, () => c.reconnect());
      },
      () => resync.current(),
      (data) => refreshed.current(data),
      undefined,
      how,
    );
    conn.current = c;
    c.start();
    // The heartbeat's answers prove the channel alive without any message for the page.
    const alive = setInterval(() => setAliveAt((prev) => (c.aliveAt && c.aliveAt !== prev ? c.aliveAt : prev)), 5000);
    return () => {
      clearInterval(alive);
      c.close();
      conn.current = null;
      statusStore.publish(null);
    };
  }, [channel, key]);

  const command = useCallback((name: "refresh" | "ping") => {
    if (!conn.current) return Promise.reject(new Error("not connected"));
    return conn.current.command(name);
  }, []);
  const reconnect = useCallback(() => conn.current?.reconnect(), []);
  return { status, aliveAt, command, reconnect };
}

/** The original client's configuration (all optional; defaults as DEFAULT_LIVE_OPTIONS). */
export interface WebSocketDashboardConfig extends LiveTarget {
  /** The server's origin ("" or unset: the page's own). */
  url?: string;
  reconnectInterval?: number;
  maxReconnectAttempts?: number;
  heartbeatInterval?: number;
  /** Fall back to SSE, then polling, when WebSocket keeps failing. */
  fallbackToPoll?: boolean;
  pollInterval?: number;
  /** false: no connection at all (the hook returns its initial state). */
  enabled?: boolean;
}

export interface DashboardState {
  /** The dashboard snapshot, kept current by updates and patches; null until the first arrives. */
  data: DashboardUpdate | null;
  loading: boolean;
  error: string | null;
  connected: boolean;
  reconnecting: boolean;
  /** The transport delivering now: "websocket", "sse", "polling", or null. */
  source: SourceName | null;
  /** Asks for a fresh snapshot (resolves when it is asked; the data follows). */
  refresh: () => Promise<void>;
}

/**
 * The live dashboard with the original client's options: WebSocket first, then SSE and polling
 * when `fallbackToPoll`, patches applied, a snapshot asked for when one was missed.
 *
 * @example
 * const { data, loading, error, connected, source, refresh } = useWebSocketDashboard({ reconnectInterval: 2000 });
 */
export function useWebSocketDashboard(config: WebSocketDashboardConfig = {}): DashboardState & { status: LiveStatus } {
  const { url, token, transports, sections, enabled, ...live } = config;
  const [data, setData] = useState<DashboardUpdate | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const dataRef = useRef<DashboardUpdate | null>(null);
  const show = useCallback((next: DashboardUpdate) => {
    dataRef.current = next;
    setData(next);
  }, []);
  const { status, command } = useLiveChannel(
    "dashboard",
    (env, conn) => {
      if (env.type === "error") return env.data.code === "shutdown" || isTerminal(env.data.code) ? undefined : setNotice(env.data.error);
      const r = applyDashboardMessage(dataRef.current, env);
      if (r.kind === "updated") {
        setNotice(null);
        show(r.data);
      } else if (r.kind === "gap") void conn.command("refresh").catch(() => undefined);
    },
    live,
    undefined,
    // A REST refresh answers with the whole snapshot (or, with sections, the server's view of them).
    (d) => show(d as DashboardUpdate),
    { url, token, transports, sections, enabled },
  );
  const refresh = useCallback(async () => {
    setNotice(null);
    await command("refresh").catch((e: Error) => setNotice(e.message));
  }, [command]);
  const connected = status.state === "live" || status.state === "sse" || status.state === "polling";
  return {
    data,
    loading: enabled !== false && data === null && status.state !== "offline",
    error: notice ?? status.error,
    connected,
    reconnecting: status.state === "reconnecting",
    source: connected ? status.source : null,
    refresh,
    status,
  };
}

/**
 * The seed's drop-in hook: `useDashboardWithWebSocket(true)` is live (WebSocket, falling back to
 * SSE and polling); `false` polls, like the client it replaces. Same return shape either way.
 *
 * @example
 * // before: const { data, loading, error, refresh } = useDashboard();
 * const { data, loading, error, connected, reconnecting, source, refresh } = useDashboardWithWebSocket(true);
 */
export function useDashboardWithWebSocket(enabled: boolean = true, config: WebSocketDashboardConfig = {}): DashboardState {
  const { status: _status, ...state } = useWebSocketDashboard(enabled ? config : { ...config, transports: ["polling"] });
  return state;
}

/** The state of the live connection this page holds (whichever hook opened it). */
export function useWebSocketStatus(): { connected: boolean; reconnecting: boolean; error: string | null; isHealthy: boolean } {
  const status = useSyncExternalStore(statusStore.subscribe, statusStore.get, () => null);
  const connected = !!status && (status.state === "live" || status.state === "sse" || status.state === "polling");
  return {
    connected,
    reconnecting: status?.state === "reconnecting",
    error: status?.error ?? null,
    // Delivering, on the preferred transport, with nothing wrong reported.
    isHealthy: connected && status!.state === "live" && !status!.error,
  };
}
