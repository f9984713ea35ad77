// What GET /api/v1/ws/stats and GET /api/ws/health show of the real-time layer, rendered from
// the hub's parts (hub.ts wires them; this file only reads them). Analysts see their own
// channel's figures only; admins see every channel, by transport, and the broadcaster's state.
import "server-only";
import { CHANNEL_NAMES, CHANNELS } from "../contract/channels";
import type { ChannelName } from "../contract/protocol";
import type { Config } from "../config";
import type { EventBus } from "../domain/bus";
import type { Channel, ChannelStats } from "./channel";
import { TRANSPORTS, type ConnectionRegistry, type Transport } from "./connections";
import type { DashboardFeed } from "./dashboard/feed";
import type { LogBackend } from "./log/backend";
import type { QuotaFeed } from "./quotas/feed";
import type { TransportCore } from "./transport-core";

/** What the two endpoints read. */
export interface HubParts {
  config: Pick<Config, "DASHBOARD_TICK_MS" | "DASHBOARD_COALESCE_MS" | "STATS_INTERVAL_MS" | "MESSAGE_LOG_SIZE">;
  bus: EventBus;
  backend: LogBackend;
  channels: { [C in ChannelName]: Channel<C> };
  connections: ConnectionRegistry;
  core: TransportCore;
  feed: DashboardFeed;
  quotaFeed: QuotaFeed;
  counters: { unknownCommands: number; slowClientEvictions: number };
  startedAt: number;
  /** The hub has started (and not stopped). */
  started: () => boolean;
  /** The bus subscriptions are in place. */
  running: () => boolean;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** GET /api/v1/ws/stats: figures per channel (admins: every channel, with clients by transport) and in total. */
export function realtimeStats(p: HubParts, admin: boolean) {
  const per: Partial<Record<ChannelName, ChannelStats & { transports?: Record<Transport, number> }>> = {};
  for (const name of admin ? CHANNEL_NAMES : (["dashboard"] as const)) {
    per[name] = {
      ...p.channels[name].stats(),
      ...(admin
        ? { transports: Object.fromEntries(TRANSPORTS.map((t) => [t, p.connections.count(name, t)])) as Record<Transport, number> }
        : {}),
    };
  }
  const all = Object.values(per);
  const broadcasts = all.reduce((s, c) => s + c.total_broadcasts, 0);
  const last =
    all
      .map((c) => c.last_broadcast)
      .filter((x): x is string => !!x)
      .sort()
      .at(-1) ?? null;
  return {
    connected_clients: all.reduce((s, c) => s + c.connected_clients, 0),
    total_broadcasts: broadcasts,
    uptime_seconds: Math.round((Date.now() - p.startedAt) / 1000),
    last_broadcast: last,
    avg_broadcast_time_ms: broadcasts ? round3(all.reduce((s, c) => s + c.avg_broadcast_time_ms * c.total_broadcasts, 0) / broadcasts) : 0,
    namespaces: Object.fromEntries(Object.entries(per).map(([k, v]) => [CHANNELS[k as ChannelName].namespace, v])),
  };
}

/** GET /api/ws/health: the status (degraded while not started, a feed fails, or the log backend does); admins get the details. */
export function realtimeHealth(p: HubParts, admin: boolean) {
  const { channels, feed, quotaFeed, backend, connections, config } = p;
  const logStatus = backend.status();
  const status = !p.started() || feed.lastError || quotaFeed.lastError || !logStatus.ok ? "degraded" : "ok";
  if (!admin) return { status, clients: { "/dashboard": channels.dashboard.clientCount() } };
  return {
    status,
    process: (({ rss, heapUsed }) => ({ rss_bytes: rss, heap_used_bytes: heapUsed }))(process.memoryUsage()),
    clients: { "/dashboard": channels.dashboard.clientCount(), "/admin/quotas": channels.quotas.clientCount() },
    broadcaster: {
      running: p.running(),
      leader: feed.isLeader,
      dashboard: {
        ...feed.state,
        last_recompute_ms: feed.lastRecomputeMs,
        last_error: feed.lastError,
        tick_ms: config.DASHBOARD_TICK_MS,
        coalesce_ms: config.DASHBOARD_COALESCE_MS,
      },
      quotas: { stats_interval_ms: config.STATS_INTERVAL_MS, last_error: quotaFeed.lastError },
      message_log: {
        ...Object.fromEntries(
          Object.entries(channels).map(([k, c]) => [
            k,
            { size: c.size, capacity: config.MESSAGE_LOG_SIZE, last_id: c.lastId, epoch: c.epoch },
          ]),
        ),
        backend: backend.shared ? "redis" : "database",
        ok: logStatus.ok,
        last_error: logStatus.error,
      },
      sse_streams: { dashboard: connections.count("dashboard", "sse"), quotas: connections.count("quotas", "sse") },
      // Every target of each channel's live fan-out: its sinks (the Socket.IO room, the core's
      // fan-out) and each session the core writes to one by one (plain WebSocket, SSE).
      sinks: Object.fromEntries(CHANNEL_NAMES.map((k) => [k, channels[k].sinkCount + p.core.fanOutCount(k)])),
      bus_subscribers: p.bus.subscriberCount,
      unknown_commands: p.counters.unknownCommands,
      slow_client_evictions: p.counters.slowClientEvictions,
      closed_by_auth: connections.closedByAuth,
      refused: connections.refused,
    },
  };
}
