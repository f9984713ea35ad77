// The Socket.IO server on the app's HTTP server: the /dashboard and /admin/quotas namespaces
// with authenticated handshakes, each a sink of its channel.
import type { Server as HttpServer } from "node:http";
import { Server, type Namespace } from "socket.io";
import type { AppContext } from "../context";
import type { Logger } from "../log";
import type { Channel } from "./channel";
import { serveDashboard } from "./dashboard-namespace";
import { authenticateSocket, requireRole } from "./socket-auth";

export const SOCKET_PATH = "/socket.io";
export const NAMESPACES = { dashboard: "/dashboard", quotas: "/admin/quotas" } as const;

/**
 * Emits each channel message to the namespace once (Socket.IO encodes a broadcast once for
 * every socket). A client that stops reading piles messages up in its engine.io write buffer;
 * past `maxQueued` its transport is closed, which frees the buffer without touching anyone
 * else, and the client recovers what it missed when it reconnects.
 */
function attachChannel(nsp: Namespace, channel: Channel, maxQueued: number, log: Logger) {
  channel.countClients(() => nsp.sockets.size);
  return channel.addSink((m) => {
    nsp.emit(m.envelope.type, m.envelope);
    for (const socket of nsp.sockets.values()) {
      const queued = (socket.conn as unknown as { writeBuffer?: unknown[] }).writeBuffer?.length ?? 0;
      if (queued > maxQueued) {
        log.warn({ nsp: nsp.name, socket: socket.id, queued }, "slow client disconnected");
        socket.conn.close();
      }
    }
  });
}

export function createSocketServer(httpServer: HttpServer, app: AppContext) {
  const { config, realtime, log } = app;
  const io = new Server(httpServer, {
    path: SOCKET_PATH,
    serveClient: false,
    // Leave every other upgrade (Next's dev hot-reload socket) to Next.
    destroyUpgrade: false,
    pingInterval: config.PING_INTERVAL_MS,
    pingTimeout: config.PING_TIMEOUT_MS,
    maxHttpBufferSize: 64 * 1024, // clients only send small commands
    connectionStateRecovery: { maxDisconnectionDuration: config.RECOVERY_WINDOW_MS, skipMiddlewares: false },
  });
  // The default namespace is not part of the API.
  io.of("/").use((_socket, next) => next(Object.assign(new Error("unknown namespace"), { data: { code: 404 } })));

  const authenticate = authenticateSocket(app);
  const dashboard = io.of(NAMESPACES.dashboard).use(authenticate);
  const quotas = io.of(NAMESPACES.quotas).use(authenticate).use(requireRole("admin"));
  const detach = [
    attachChannel(dashboard, realtime.channels.dashboard, config.SLOW_CLIENT_MAX_QUEUE, log),
    attachChannel(quotas, realtime.channels.quotas, config.SLOW_CLIENT_MAX_QUEUE, log),
  ];
  serveDashboard(dashboard, realtime, config, log);
  return { io, dashboard, quotas, detach: () => detach.forEach((d) => d()) };
}
export type SocketServer = ReturnType<typeof createSocketServer>;
