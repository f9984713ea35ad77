// Starts everything realtime on the HTTP server and returns one handle to stop it.
import type { Server as HttpServer } from "node:http";
import type { AppContext } from "../context";
import { createSocketServer } from "./socket-server";

export function startRealtime(httpServer: HttpServer, app: AppContext) {
  const sockets = createSocketServer(httpServer, app);
  return {
    sockets,
    /** Tells every client why, then drops the transports so clients reconnect (elsewhere). */
    async close(reason: string) {
      for (const nsp of [sockets.dashboard, sockets.quotas]) nsp.emit("error", { error: reason, code: "shutdown" });
      await new Promise((r) => setTimeout(r, 50)); // let the notice flush
      sockets.io.engine.close();
      await new Promise<void>((resolve) => sockets.io.close(() => resolve()));
    },
  };
}
