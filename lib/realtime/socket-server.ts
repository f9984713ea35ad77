// The Socket.IO server on the app's HTTP server: the /dashboard and /admin/quotas namespaces
// with authenticated handshakes, each a sink of its channel.
import type { Server as HttpServer } from "node:http";
import { Server, type Namespace, type Socket } from "socket.io";
import type { AppContext } from "../context";
import type { Logger } from "../log";
import type { Channel } from "./channel";
import { serveDashboard } from "./dashboard-namespace";
import { limitConnections, serveQuotas } from "./quotas-namespace";
import { authenticateSocket, requireRole } from "./socket-auth";

export const SOCKET_PATH = "/socket.io";
export const NAMESPACES = { dashboard: "/dashboard", quotas: "/admin/quotas" } as const;

const SWEEP_MS = 1000;

/**
 * Closes a connection now. A plain close() waits for the write buffer to drain, which a
 * stalled reader never does; discard it, and terminate the WebSocket so the bytes already
 * handed to it are freed too (instead of waiting out the close handshake).
 */
function evict(conn: Socket["conn"]) {
  const ws = (conn.transport as unknown as { socket?: { terminate?: () => void } }).socket;
  conn.close(true);
  ws?.terminate?.();
}

/**
 * Emits each channel message to the namespace once (Socket.IO encodes a broadcast once for
 * every socket), and watches for clients that stopped reading: their messages pile up in the
 * engine.io write buffer. A burst fills healthy clients' buffers for a moment too, so a client
 * is evicted only when its queue stays above `maxQueued` for two sweeps in a row (≥ 1 s);
 * closing the transport frees the buffer, touches nobody else, and the client recovers what
 * it missed when it reconnects.
 */
function attachChannel(nsp: Namespace, channel: Channel, maxQueued: number, log: Logger) {
  channel.countClients(() => nsp.sockets.size);
  const removeSink = channel.addSink((m) => nsp.emit(m.envelope.type, m.envelope));
  const strikes = new WeakMap<object, number>();
  const sweep = setInterval(() => {
    for (const socket of nsp.sockets.values()) {
      const queued = (socket.conn as unknown as { writeBuffer?: unknown[] }).writeBuffer?.length ?? 0;
      const n = queued > maxQueued ? (strikes.get(socket) ?? 0) + 1 : 0;
      strikes.set(socket, n);
      if (n >= 2) {
        log.warn({ nsp: nsp.name, socket: socket.id, queued }, "slow client disconnected");
        evict(socket.conn);
      }
    }
  }, SWEEP_MS);
  sweep.unref();
  return () => {
    clearInterval(sweep);
    removeSink();
  };
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
  const quotas = io
    .of(NAMESPACES.quotas)
    .use(authenticate)
    .use(requireRole("admin"))
    .use(limitConnections(realtime.channels.quotas, config.MAX_CONNECTIONS));
  const detach = [
    attachChannel(dashboard, realtime.channels.dashboard, config.SLOW_CLIENT_MAX_QUEUE, log),
    attachChannel(quotas, realtime.channels.quotas, config.SLOW_CLIENT_MAX_QUEUE, log),
  ];
  serveDashboard(dashboard, realtime, config, log);
  detach.push(serveQuotas(quotas, realtime, config, log));
  return { io, dashboard, quotas, detach: () => detach.forEach((d) => d()) };
}
export type SocketServer = ReturnType<typeof createSocketServer>;
