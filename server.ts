// RiskPulse: one Node HTTP server running Next.js (pages, REST, SSE) with Socket.IO attached
// (namespaces /dashboard and /admin/quotas). Start: `npm run dev` (tsx) or `npm start`.
import { createServer } from "node:http";
import next from "next";
import { createAppContext } from "./lib/bootstrap";
import { loadConfig } from "./lib/config";
import { setContext } from "./lib/context";
import { log } from "./lib/log";
import { startRealtime } from "./lib/realtime/start";

async function main() {
  const config = loadConfig();
  const app = await createAppContext(config, log);
  // next-auth (inside Next's bundle) reads these from the environment.
  process.env.NEXTAUTH_SECRET = app.secret;
  process.env.NEXTAUTH_URL ??= `http://localhost:${config.PORT}`;
  setContext(app);

  const httpServer = createServer();
  const nextApp = next({ dev: !config.production, dir: process.cwd(), hostname: config.HOST, port: config.PORT, httpServer });
  await nextApp.prepare();
  const handle = nextApp.getRequestHandler();
  // Registered before Socket.IO attaches: engine.io keeps /socket.io/ and passes the rest on.
  httpServer.on("request", (req, res) => void handle(req, res));
  const realtime = await startRealtime(httpServer, app);

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(config.PORT, config.HOST, resolve);
  });
  log.info({ url: `http://localhost:${config.PORT}`, mode: config.production ? "production" : "development" }, "RiskPulse listening");

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    setTimeout(() => {
      log.error("shutdown timed out; exiting");
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS).unref();
    try {
      httpServer.close(); // stop accepting; in-flight requests finish
      await realtime.close("server shutting down");
      httpServer.closeIdleConnections();
      await nextApp.close();
      await app.db.$disconnect();
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

main().catch((err) => {
  log.fatal({ err }, "failed to start");
  process.exit(1);
});
