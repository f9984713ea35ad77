// Everything real-time that does not depend on a transport: the two channels over one log
// backend, their projections (the dashboard snapshot, the latest stats), the producers that
// publish into them (run by the leader), the registry of live connections, and the per-user
// refresh limit. Created with the app context; Socket.IO, plain WebSocket, SSE and polling
// attach to it.
import "server-only";
import type { Config } from "../config";
import type { QuotaStats } from "../domain/quota/stats";
import type { Logger } from "../log";
import { SlidingWindows } from "../rate-limit/sliding-windows";
import type { EventBus } from "./bus";
import { Channel, type ChannelStats, type Logged } from "./channel";
import { ConnectionRegistry, type Transport } from "./connections";
import { DashboardFeed, type DashboardComputer } from "./dashboard/feed";
import { DashboardProjection, type DashboardState } from "./dashboard/projection";
import type { Leadership } from "./leadership";
import type { LogBackend } from "./log/backend";
import { CHANNELS } from "../contract/channels";
import type { ChannelName } from "../contract/protocol";
import { QuotaFeed } from "./quotas/feed";
import { StatsProjection } from "./quotas/projection";

export function createRealtimeHub(deps: {
  config: Config;
  bus: EventBus;
  log: Logger;
  backend: LogBackend;
  computer: DashboardComputer;
  quotaStats: () => Promise<QuotaStats>;
  leadership: Leadership;
}) {
  const { config, bus, log, backend } = deps;
  const dashboardProjection = new DashboardProjection();
  const statsProjection = new StatsProjection();
  const connections = new ConnectionRegistry({
    maxPerChannel: { dashboard: config.MAX_CONNECTIONS, quotas: config.MAX_CONNECTIONS },
    maxPerUser: config.MAX_CONNECTIONS_PER_USER,
    log,
  });
  const channels = {
    dashboard: new Channel("dashboard", config.MESSAGE_LOG_SIZE, backend, dashboardProjection, () => connections.count("dashboard")),
    quotas: new Channel("quotas", config.MESSAGE_LOG_SIZE, backend, statsProjection, () => connections.count("quotas")),
  };
  for (const c of Object.values(channels)) c.onError = (err) => log.error({ err, channel: c.name }, "a real-time sink failed");
  const feed = new DashboardFeed({
    computer: deps.computer,
    channel: channels.dashboard,
    projection: dashboardProjection,
    coalesceMs: config.DASHBOARD_COALESCE_MS,
    tickMs: config.DASHBOARD_TICK_MS,
    log,
  });
  const quotaFeed = new QuotaFeed({
    channel: channels.quotas,
    projection: statsProjection,
    stats: deps.quotaStats,
    intervalMs: config.STATS_INTERVAL_MS,
    log,
  });
  /** `refresh` is limited per user across all their sockets, not per socket (reconnecting must not reset it). */
  const refreshLimit = new SlidingWindows<number>(config.REFRESH_RATE_LIMIT, config.REFRESH_RATE_WINDOW_MS);
  const counters = { unknownCommands: 0, slowClientEvictions: 0 };
  const startedAt = Date.now();
  let unsubscribe: (() => void)[] = [];
  let started = false;
  const leadershipListeners: ((leader: boolean) => void)[] = [];

  // A follower that missed a patch (it joined between two, or a message was lost in transit)
  // reloads the stored state rather than serving a stale dashboard.
  const healGap = async () => {
    if (!dashboardProjection.gap) return;
    const s = await backend.state("dashboard");
    if (s.state) dashboardProjection.set(s.state as DashboardState);
  };
  channels.dashboard.onDelivered = () => {
    if (dashboardProjection.gap) healGap().catch((err: unknown) => log.warn({ err }, "could not reload the dashboard state"));
  };

  return {
    channels,
    feed,
    quotaFeed,
    connections,
    refreshLimit,
    counters,
    dashboard: dashboardProjection,
    /** Told when this instance starts or stops leading (cluster-wide jobs follow it). */
    onLeadership(fn: (leader: boolean) => void) {
      leadershipListeners.push(fn);
    },
    stats$: statsProjection,
    async start() {
      const restored = await backend.start(channels);
      if (restored.dashboard.state) dashboardProjection.set(restored.dashboard.state as DashboardState);
      // The latest stats in the log (a restart, or joining a cluster) serve until fresh ones come.
      const lastStats = channels.quotas.entries().findLast((m) => m.envelope.type === "stats");
      if (lastStats) statsProjection.set(lastStats.envelope.data as QuotaStats);
      unsubscribe = [bus.subscribe(feed.onEvent), bus.subscribe(quotaFeed.onEvent), bus.subscribe(connections.onEvent)];
      connections.start();
      await deps.leadership.start((leader) => {
        log.info({ leader }, leader ? "leading: computing dashboards and stats" : "following the leader");
        feed.setLeader(leader);
        quotaFeed.setLeader(leader);
        leadershipListeners.forEach((l) => l(leader));
      });
      started = true;
    },
    async stop() {
      unsubscribe.forEach((u) => u());
      unsubscribe = [];
      feed.stop();
      quotaFeed.stop();
      connections.stop();
      await deps.leadership.stop();
      await backend.stop();
      started = false;
    },
    /** The message a client starts from on a channel. */
    async snapshot(name: ChannelName): Promise<Logged> {
      const c = channels[name];
      await c.projection.ready();
      return c.snapshot()!;
    },
    /** GET /api/v1/ws/stats. Analysts see their own channel's figures only. */
    stats(admin: boolean) {
      const per: Partial<Record<ChannelName, ChannelStats & { transports?: Record<Transport, number> }>> = {};
      for (const name of admin ? (["dashboard", "quotas"] as const) : (["dashboard"] as const)) {
        per[name] = {
          ...channels[name].stats(),
          ...(admin
            ? {
                transports: {
                  "socket.io": connections.count(name, "socket.io"),
                  websocket: connections.count(name, "websocket"),
                  sse: connections.count(name, "sse"),
                },
              }
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
        uptime_seconds: Math.round((Date.now() - startedAt) / 1000),
        last_broadcast: last,
        avg_broadcast_time_ms: broadcasts
          ? Math.round((all.reduce((s, c) => s + c.avg_broadcast_time_ms * c.total_broadcasts, 0) / broadcasts) * 1000) / 1000
          : 0,
        namespaces: Object.fromEntries(Object.entries(per).map(([k, v]) => [CHANNELS[k as ChannelName].namespace, v])),
      };
    },
    /** GET /api/ws/health. Analysts see the status and their own channel's client count only. */
    health(admin: boolean) {
      const log$ = backend.status();
      const status = !started || feed.lastError || quotaFeed.lastError || !log$.ok ? "degraded" : "ok";
      if (!admin) return { status, clients: { "/dashboard": channels.dashboard.clientCount() } };
      return {
        status,
        process: (({ rss, heapUsed }) => ({ rss_bytes: rss, heap_used_bytes: heapUsed }))(process.memoryUsage()),
        clients: { "/dashboard": channels.dashboard.clientCount(), "/admin/quotas": channels.quotas.clientCount() },
        broadcaster: {
          running: unsubscribe.length > 0,
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
            ok: log$.ok,
            last_error: log$.error,
          },
          sse_streams: { dashboard: connections.count("dashboard", "sse"), quotas: connections.count("quotas", "sse") },
          sinks: Object.fromEntries(Object.entries(channels).map(([k, c]) => [k, c.sinkCount])),
          bus_subscribers: bus.subscriberCount,
          unknown_commands: counters.unknownCommands,
          slow_client_evictions: counters.slowClientEvictions,
          closed_by_auth: connections.closedByAuth,
          refused: connections.refused,
        },
      };
    },
  };
}
export type RealtimeHub = ReturnType<typeof createRealtimeHub>;
