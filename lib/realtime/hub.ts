// Everything real-time that does not depend on a transport: the two channels over one log
// backend, their projections (the dashboard snapshot, the latest stats), the producers that
// publish into them (run by the leader), the registry of live connections, and the per-user
// refresh limit. Created with the app context; Socket.IO, plain WebSocket, SSE and polling
// attach to it (transports/); what two endpoints show of it is status.ts.
import "server-only";
import type { Config } from "../config";
import type { EventBus } from "../domain/bus";
import type { DashboardComputer } from "../domain/dashboard/computer";
import type { QuotaStats } from "../domain/quota/stats";
import type { Logger } from "../log";
import { SlidingWindows } from "../rate-limit/sliding-windows";
import { Channel } from "./channel";
import { ConnectionRegistry } from "./connections";
import { DashboardFeed } from "./dashboard/feed";
import { DashboardProjection, type DashboardState } from "./dashboard/projection";
import { DashboardSections } from "./dashboard/sections";
import { RiskFeed, type RiskSource } from "./dashboard/risk-feed";
import type { Leadership } from "./leadership";
import type { LogBackend } from "./log/backend";
import { QuotaFeed } from "./quotas/feed";
import { StatsProjection } from "./quotas/projection";
import { TransportCore } from "./transport-core";
import { realtimeHealth, realtimeStats, type HubParts } from "./status";

/**
 * Builds the real-time layer for one instance: its channels, feeds and connection registry.
 * Nothing runs until start(); stop() ends the feeds, the registry's timers, leadership and the
 * log backend. The JSON of /api/v1/ws/stats and /api/ws/health is rendered by status.ts.
 */
export function createRealtimeHub(deps: {
  config: Config;
  bus: EventBus;
  log: Logger;
  backend: LogBackend;
  computer: DashboardComputer;
  quotaStats: () => Promise<QuotaStats>;
  leadership: Leadership;
  /** Reads risks and mitigations for their live messages and checks risk subscriptions. */
  risks: RiskSource;
}) {
  const { config, bus, log, backend } = deps;
  /** The dashboard's section views (subscriptions to some sections), fed by the projection in log order. */
  const sections = new DashboardSections(config.MESSAGE_LOG_SIZE);
  const dashboardProjection = new DashboardProjection((m) => sections.record(m));
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
  for (const c of Object.values(channels)) c.events.on("failed", (err) => log.error({ err, channel: c.name }, "a real-time sink failed"));
  const feed = new DashboardFeed({
    computer: deps.computer,
    channel: channels.dashboard,
    projection: dashboardProjection,
    coalesceMs: config.DASHBOARD_COALESCE_MS,
    tickMs: config.DASHBOARD_TICK_MS,
    log,
  });
  const riskFeed = new RiskFeed({ channel: channels.dashboard, source: deps.risks, log });
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
  const core = new TransportCore({ channels, connections, counters, config, log });
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
  channels.dashboard.events.on("delivered", () => {
    if (dashboardProjection.gap) healGap().catch((err: unknown) => log.warn({ err }, "could not reload the dashboard state"));
  });
  const parts: HubParts = {
    config,
    bus,
    backend,
    channels,
    connections,
    core,
    feed,
    quotaFeed,
    counters,
    startedAt,
    started: () => started,
    running: () => unsubscribe.length > 0,
  };

  return {
    channels,
    feed,
    quotaFeed,
    /** The per-risk messages (risk-feed.ts). */
    riskFeed,
    /**
     * May a signed-in user follow this risk? GET /api/v1/risks/:id's rule: it exists — or it was
     * deleted recently enough for its `risk_deleted` to be in the log, so a follower that was
     * away (a poll, a reconnect) still learns of the deletion.
     */
    riskExists: async (id: number) =>
      (await deps.risks.exists(id)) ||
      channels.dashboard
        .entries()
        .some((m) => m.envelope.type === "risk_deleted" && (m.envelope.data as { risk_id: number }).risk_id === id),
    connections,
    /** What every transport goes through: admission, resume, fan-out, slow clients, heartbeat. */
    core,
    /** The dashboard's section views: `sections.view(["metrics"])` for a session's setView(). */
    sections,
    refreshLimit,
    counters,
    /** Told when this instance starts or stops leading (cluster-wide jobs follow it). */
    onLeadership(fn: (leader: boolean) => void) {
      leadershipListeners.push(fn);
    },
    async start() {
      const restored = await backend.start(channels);
      if (restored.dashboard.state) dashboardProjection.set(restored.dashboard.state as DashboardState);
      // The latest stats in the log (a restart, or joining a cluster) serve until fresh ones come.
      const lastStats = channels.quotas.entries().findLast((m) => m.envelope.type === "stats");
      if (lastStats) statsProjection.set(lastStats.envelope.data as QuotaStats);
      unsubscribe = [
        bus.subscribe(feed.onEvent),
        bus.subscribe(riskFeed.onEvent),
        bus.subscribe(quotaFeed.onEvent),
        bus.subscribe(connections.onEvent),
      ];
      connections.start();
      core.start();
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
      core.stop();
      await deps.leadership.stop();
      await backend.stop();
      started = false;
    },
    /** GET /api/v1/ws/stats. Analysts see their own channel's figures only. */
    stats: (admin: boolean) => realtimeStats(parts, admin),
    /** GET /api/ws/health. Analysts see the status and their own channel's client count only. */
    health: (admin: boolean) => realtimeHealth(parts, admin),
  };
}
export type RealtimeHub = ReturnType<typeof createRealtimeHub>;
