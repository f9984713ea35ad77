// Prometheus metrics (prom-client), served by GET /api/metrics. One registry per process: in
// cluster mode every instance serves its own figures. Names are prefixed riskpulse_.
import "server-only";
import client from "prom-client";
import { CHANNEL_NAMES } from "../contract/channels";
import type { EventBus } from "../domain/bus";
import type { Health } from "../health";
import { TRANSPORTS } from "../realtime/connections";
import type { RealtimeHub } from "../realtime/hub";
import { appRoutePatterns, createRouteLabeler } from "./routes";

const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "riskpulse_" });
  const m = {
    registry,
    http: new client.Histogram({
      name: "riskpulse_http_request_duration_seconds",
      help: "HTTP request duration by route, method and status",
      labelNames: ["route", "method", "status"],
      buckets: SECONDS,
      registers: [registry],
    }),
    broadcasts: new client.Counter({
      name: "riskpulse_broadcasts_total",
      help: "Messages delivered to this instance's clients, by channel and type",
      labelNames: ["channel", "type"],
      registers: [registry],
    }),
    fanout: new client.Histogram({
      name: "riskpulse_fanout_seconds",
      help: "From publish to written on every local client's connection",
      labelNames: ["channel"],
      buckets: SECONDS,
      registers: [registry],
    }),
    recompute: new client.Histogram({
      name: "riskpulse_dashboard_recompute_seconds",
      help: "Dashboard recompute time",
      labelNames: ["kind"],
      buckets: SECONDS,
      registers: [registry],
    }),
    stats: new client.Histogram({
      name: "riskpulse_quota_stats_seconds",
      help: "Time to compute the quota stats",
      buckets: SECONDS,
      registers: [registry],
    }),
    commands: new client.Counter({
      name: "riskpulse_commands_total",
      help: "Commands recorded, by result",
      labelNames: ["result"],
      registers: [registry],
    }),
    dbErrors: new client.Counter({
      name: "riskpulse_db_errors_total",
      help: "Requests that failed on a database error",
      registers: [registry],
    }),
    loginFailures: new client.Counter({
      name: "riskpulse_login_failures_total",
      help: "Failed or throttled sign-ins",
      labelNames: ["reason"],
      registers: [registry],
    }),
    bind(app: { realtime: RealtimeHub; bus: EventBus; health: Health; config: { MAX_CONNECTIONS: number } }) {
      const hub = app.realtime;
      // What the shipped alerting rules (deploy/prometheus/) need beside the figures above: whether
      // this instance takes traffic (/api/ready's answer), whether it leads, how often it became
      // the leader (churn), and the cap riskpulse_live_clients is compared with.
      new client.Gauge({
        name: "riskpulse_ready",
        help: "1 while /api/ready answers ready (database and Redis reachable, not draining), else 0",
        registers: [registry],
        async collect() {
          this.set((await app.health.ready()).ready ? 1 : 0);
        },
      });
      let leader = false;
      const elections = new client.Counter({
        name: "riskpulse_leader_elections_total",
        help: "Times this instance became the leader (computing dashboards and stats)",
        registers: [registry],
      });
      hub.onLeadership((now) => {
        if (now && !leader) elections.inc();
        leader = now;
      });
      new client.Gauge({
        name: "riskpulse_leader",
        help: "1 while this instance is the leader, else 0",
        registers: [registry],
        collect() {
          this.set(leader ? 1 : 0);
        },
      });
      new client.Gauge({
        name: "riskpulse_max_connections",
        help: "MAX_CONNECTIONS: live clients allowed per channel on this instance",
        registers: [registry],
        collect() {
          this.set(app.config.MAX_CONNECTIONS);
        },
      });
      for (const c of Object.values(hub.channels)) {
        c.events.on("delivered", (type, _ms, _sinks, sincePublish) => {
          m.broadcasts.inc({ channel: c.name, type });
          m.fanout.observe({ channel: c.name }, Math.max(0, sincePublish) / 1000);
        });
      }
      hub.feed.events.on("recomputed", (ms, kind) => m.recompute.observe({ kind }, ms / 1000));
      hub.quotaFeed.events.on("computed", (ms) => m.stats.observe(ms / 1000));
      app.bus.subscribe((e, origin) => {
        if (e.type === "command.executed" && origin === "local") m.commands.inc({ result: e.allowed ? "allowed" : "refused" });
      });
      new client.Gauge({
        name: "riskpulse_live_clients",
        help: "Live clients on this instance, by channel and transport",
        labelNames: ["channel", "transport"],
        registers: [registry],
        collect() {
          for (const channel of CHANNEL_NAMES)
            for (const transport of TRANSPORTS) this.set({ channel, transport }, hub.connections.count(channel, transport));
        },
      });
      new client.Gauge({
        name: "riskpulse_sse_streams",
        help: "Open Server-Sent Events streams",
        labelNames: ["channel"],
        registers: [registry],
        collect() {
          for (const channel of CHANNEL_NAMES) this.set({ channel }, hub.connections.count(channel, "sse"));
        },
      });
      const fromCounter = (name: string, help: string, read: () => number) =>
        new client.Counter({
          name,
          help,
          registers: [registry],
          collect() {
            this.reset();
            this.inc(read());
          },
        });
      fromCounter("riskpulse_slow_client_evictions_total", "Clients disconnected for not reading", () => hub.counters.slowClientEvictions);
      fromCounter("riskpulse_unknown_commands_total", "Unknown real-time commands received", () => hub.counters.unknownCommands);
      new client.Counter({
        name: "riskpulse_connections_closed_by_auth_total",
        help: "Live connections closed because their credential stopped being valid, by code",
        labelNames: ["code"],
        registers: [registry],
        collect() {
          this.reset();
          for (const [code, n] of Object.entries(hub.connections.closedByAuth)) this.inc({ code }, n ?? 0);
        },
      });
    },
  };
  return m;
}
export type Metrics = ReturnType<typeof createMetrics>;

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/**
 * The labels of one HTTP request, bounded whatever the traffic: the route pattern it matched in
 * app/ (see routes.ts; "other" when none), the method when it is one we serve, else "other".
 *
 * @example
 * const labels = httpLabeler(path.join(process.cwd(), "app"));
 * labels("/api/v1/risks/7", "GET", 200); // { route: "/api/v1/risks/:id", method: "GET", status: "200" }
 */
export function httpLabeler(appDir: string) {
  const route = createRouteLabeler(appRoutePatterns(appDir));
  return (url: string, method: string | undefined, status: number) => ({
    route: route(url),
    method: METHODS.has(method ?? "") ? method! : "other",
    status: String(status),
  });
}
