// RiskPulse: one Node HTTP server running Next.js (pages, REST, SSE) with Socket.IO and the plain
// WebSocket endpoints attached. Start: `npm start` (production), `npm run demo`, `npm run dev`.
import { createServer } from "node:http";
import path from "node:path";
import next from "next";
import { createAppContext, StartupError } from "./lib/bootstrap";
import { ConfigError, loadConfig } from "./lib/config";
import { setContext } from "./lib/context";
import { createLogger, type Logger } from "./lib/log";
import { plainWebSocketChannel } from "./lib/contract/channels";
import { httpLabeler } from "./lib/metrics/registry";
import { createSocketServer } from "./lib/realtime/transports/socketio/server";
import { createPlainWebSocketServer } from "./lib/realtime/transports/websocket";
import { drainHttp, trackRequests } from "./lib/server/drain";
import { createRequestGuard } from "./lib/server/guard";
import { CONN_HEADER } from "./lib/server/raw-responses";

async function main() {
  const config = loadConfig();
  const log = createLogger({ level: config.LOG_LEVEL, instance: config.cluster ? config.instanceId : undefined });
  hookProcessErrors(log);
  const app = await createAppContext(config, log);
  // next-auth v4 reads its public URL from the environment itself (only that; the secret goes in its options).
  // eslint-disable-next-line no-restricted-properties
  process.env.NEXTAUTH_URL ??= config.publicUrl;
  setContext(app);

  const httpServer = createServer({ keepAliveTimeout: 5_000 });
  const nextApp = next({ dev: !config.production, dir: process.cwd(), hostname: config.HOST, port: config.PORT, httpServer });
  await nextApp.prepare();
  const handle = nextApp.getRequestHandler();
  const guard = createRequestGuard({ maxBodyBytes: config.MAX_BODY_BYTES, draining: () => app.health.draining });
  const requests = trackRequests(httpServer);
  const httpLabels = httpLabeler(path.join(process.cwd(), "app"));
  // Served over https (NEXTAUTH_URL): browsers must never fall back to plain http for this host.
  const hsts = config.publicOrigin.startsWith("https://") ? "max-age=31536000; includeSubDomains" : null;
  // Registered before Socket.IO attaches: engine.io keeps /socket.io/ and passes the rest on.
  httpServer.on("request", (req, res) => {
    if (req.url?.startsWith("/socket.io/")) return;
    if (hsts) res.setHeader("strict-transport-security", hsts);
    // The peer's address, for sign-in throttling: set here, so a client cannot supply it.
    req.headers["x-riskpulse-peer"] = req.socket.remoteAddress ?? "unknown";
    if (req.url?.startsWith("/api/v1/sse/")) req.headers[CONN_HEADER] = app.rawResponses.add(res);
    else delete req.headers[CONN_HEADER];
    const t0 = performance.now();
    res.once("finish", () =>
      app.metrics.http.observe(httpLabels(req.url ?? "/", req.method, res.statusCode), (performance.now() - t0) / 1000),
    );
    guard(req, res, () => void handle(req, res));
  });
  app.realtime.onLeadership((leader) => {
    app.retention.setActive(leader); // one instance prunes
    app.demoTraffic?.setActive(leader); // and one simulates
  });
  await app.realtime.start();
  app.outbox.start(); // every instance delivers; a lease per message decides which one
  const sockets = createSocketServer(httpServer, app);
  const plain = createPlainWebSocketServer(httpServer, app);
  // Upgrades nobody serves are refused rather than left hanging (Next keeps /_next/ for its dev hot reload).
  httpServer.on("upgrade", (req, socket) => {
    const path = req.url ?? "/";
    if (path.startsWith("/socket.io/") || plainWebSocketChannel(path) || (!config.production && path.startsWith("/_next/"))) return;
    socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(config.PORT, config.HOST, resolve);
  });
  log.info(
    {
      url: config.publicUrl,
      port: config.PORT,
      mode: config.production ? "production" : "development",
      cluster: config.cluster,
      demo: app.demo,
    },
    "RiskPulse listening",
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down: draining connections");
    setTimeout(() => {
      log.error("shutdown timed out; exiting");
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS + 2000).unref();
    try {
      app.health.startDraining(); // readiness fails, responses close their connections
      app.retention.setActive(false);
      app.demoTraffic?.setActive(false);
      // Tell every live client to reconnect (elsewhere, or here after the restart): they resume from their cursor.
      app.realtime.connections.closeAll("shutdown");
      plain.close();
      await sockets.close();
      await drainHttp(httpServer, requests, { drainMs: config.DRAIN_MS, timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
      await app.realtime.stop();
      await app.cluster?.stop();
      await nextApp.close();
      await app.close();
      log.info("bye");
      process.exit(0);
    } catch (err) {
      log.error({ err }, "shutdown failed");
      process.exit(1);
    }
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

/**
 * Errors nobody caught go to the JSON log like everything else. The monitor only observes: what
 * happens next is up to the other listeners — Next's request handler installs its own, which
 * print to stderr and keep the process serving (so a request that trips a bug cannot take the
 * server down); without one, Node exits as usual.
 */
function hookProcessErrors(log: Logger) {
  process.on("unhandledRejection", (err) => log.error({ err }, "unhandled rejection"));
  process.on("uncaughtExceptionMonitor", (err, origin) => log.fatal({ err, origin }, "uncaught exception"));
}

main().catch((err) => {
  if (err instanceof ConfigError || err instanceof StartupError) {
    console.error(`\n${err.message}\n`);
    process.exit(78); // EX_CONFIG: fix the configuration, not a crash to restart on
  }
  console.error("failed to start:", err);
  process.exit(1);
});
