// Starts everything realtime on the HTTP server and returns one handle to stop it.
import type { Server as HttpServer } from "node:http";
import type { AppContext } from "../context";
import { createSocketServer } from "./socket-server";

export async function startRealtime(httpServer: HttpServer, app: AppContext) {
  await app.realtime.start();
  const sockets = createSocketServer(httpServer, app);
  return {
    sockets,
    /** Tells every client why, then drops the transports so clients reconnect (elsewhere). */
    async close(reason: string) {
      app.realtime.stop();
      for (const [nsp, channel] of [
        [sockets.dashboard, app.realtime.channels.dashboard],
        [sockets.quotas, app.realtime.channels.quotas],
      ] as const) {
        nsp.emit("error", channel.direct("error", { error: reason, code: "shutdown" }));
      }
      await new Promise((r) => setTimeout(r, 50)); // let the notice flush
      sockets.detach();
      sockets.io.engine.close();
      await new Promise<void>((resolve) => sockets.io.close(() => resolve()));
    },
  };
}
