// The Socket.IO server on the app's HTTP server: the /dashboard and /admin/quotas namespaces
// with authenticated handshakes. Broadcasting is wired by the realtime channels.
import type { Server as HttpServer } from "node:http";
import { Server } from "socket.io";
import type { AppContext } from "../context";
import { authenticateSocket, requireRole } from "./socket-auth";

export const SOCKET_PATH = "/socket.io";
export const NAMESPACES = { dashboard: "/dashboard", quotas: "/admin/quotas" } as const;

export function createSocketServer(httpServer: HttpServer, app: AppContext) {
  const { config } = app;
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
  return { io, dashboard, quotas };
}
export type SocketServer = ReturnType<typeof createSocketServer>;
