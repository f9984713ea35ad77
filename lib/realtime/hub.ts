// Everything realtime that does not depend on a transport: the channels with their message
// logs, and the dashboard feed. Created with the app context; Socket.IO, SSE and polling
// attach to it.
import type { Config } from "../config";
import type { DashboardSnapshot } from "../domain/dashboard";
import type { QuotaStats } from "../domain/quota/stats";
import type { Logger } from "../log";
import type { EventBus } from "./bus";
import { Channel, type ChannelName, type ChannelStats } from "./channel";
import { DashboardFeed } from "./dashboard-feed";
import { QuotaFeed } from "./quota-feed";

export function createRealtimeHub(deps: {
  config: Config;
  bus: EventBus;
  log: Logger;
  compute: () => Promise<DashboardSnapshot>;
  quotaStats: () => Promise<QuotaStats>;
}) {
  const { config, bus, log } = deps;
  const onError = (err: unknown) => log.error({ err }, "a realtime sink failed");
  const channels: Record<ChannelName, Channel> = {
    dashboard: new Channel("dashboard", config.MESSAGE_LOG_SIZE, onError),
    quotas: new Channel("quotas", config.MESSAGE_LOG_SIZE, onError),
  };
  const feed = new DashboardFeed({
    compute: deps.compute,
    channel: channels.dashboard,
    coalesceMs: config.DASHBOARD_COALESCE_MS,
    tickMs: config.DASHBOARD_TICK_MS,
    log,
  });
  const quotaFeed = new QuotaFeed({ channel: channels.quotas, stats: deps.quotaStats, intervalMs: config.STATS_INTERVAL_MS, log });
  const startedAt = Date.now();
  let unsubscribe: (() => void)[] = [];

  return {
    channels,
    feed,
    quotaFeed,
    async start() {
      await Promise.all([feed.start(), quotaFeed.start()]);
      unsubscribe = [bus.subscribe(feed.onEvent), bus.subscribe(quotaFeed.onEvent)];
    },
    stop() {
      unsubscribe.forEach((u) => u());
      unsubscribe = [];
      feed.stop();
      quotaFeed.stop();
    },
    /** What a client gets first on a channel (and after a gap too old to replay). */
    async snapshot(name: ChannelName) {
      return name === "dashboard"
        ? channels.dashboard.direct("dashboard_update", await feed.current())
        : channels.quotas.direct("stats", await quotaFeed.currentStats());
    },
    /** GET /api/v1/ws/stats: overall and per namespace. */
    stats() {
      const per = Object.fromEntries(Object.entries(channels).map(([k, c]) => [k, c.stats()])) as Record<ChannelName, ChannelStats>;
      const all = Object.values(per);
      const broadcasts = all.reduce((s, c) => s + c.total_broadcasts, 0);
      const last = all.map((c) => c.last_broadcast).filter((x): x is string => !!x).sort().at(-1) ?? null;
      return {
        connected_clients: all.reduce((s, c) => s + c.connected_clients, 0),
        total_broadcasts: broadcasts,
        uptime_seconds: Math.round((Date.now() - startedAt) / 1000),
        last_broadcast: last,
        avg_broadcast_time_ms: broadcasts ? Math.round((all.reduce((s, c) => s + c.avg_broadcast_time_ms * c.total_broadcasts, 0) / broadcasts) * 1000) / 1000 : 0,
        namespaces: { "/dashboard": per.dashboard, "/admin/quotas": per.quotas },
      };
    },
    /** GET /api/ws/health: clients per namespace and the broadcaster's state. */
    health() {
      return {
        status: feed.lastError || quotaFeed.lastError ? "degraded" : "ok",
        process: (({ rss, heapUsed }) => ({ rss_bytes: rss, heap_used_bytes: heapUsed }))(process.memoryUsage()),
        clients: { "/dashboard": channels.dashboard.stats().connected_clients, "/admin/quotas": channels.quotas.stats().connected_clients },
        broadcaster: {
          running: unsubscribe.length > 0,
          dashboard: { ...feed.state, last_recompute_ms: feed.lastRecomputeMs, last_error: feed.lastError, tick_ms: config.DASHBOARD_TICK_MS, coalesce_ms: config.DASHBOARD_COALESCE_MS },
          quotas: { stats_interval_ms: config.STATS_INTERVAL_MS, last_error: quotaFeed.lastError },
          message_log: Object.fromEntries(Object.entries(channels).map(([k, c]) => [k, { size: c.log.size, capacity: c.log.capacity, last_id: c.log.lastId }])),
          sse_streams: Object.fromEntries(Object.entries(channels).map(([k, c]) => [k, c.streams])),
          sinks: Object.fromEntries(Object.entries(channels).map(([k, c]) => [k, c.sinkCount])),
          bus_subscribers: bus.subscriberCount,
        },
      };
    },
  };
}
export type RealtimeHub = ReturnType<typeof createRealtimeHub>;
