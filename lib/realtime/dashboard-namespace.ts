// /dashboard: a full dashboard_update on connect (unless Socket.IO recovered the session and
// replayed what was missed), then the channel's broadcasts; `refresh` and `ping` commands.
import type { Namespace } from "socket.io";
import type { Config } from "../config";
import type { Logger } from "../log";
import type { RealtimeHub } from "./hub";
import { SlidingWindow } from "./rate-limit";
import { handleCommands } from "./socket-commands";

export function serveDashboard(nsp: Namespace, hub: RealtimeHub, config: Config, log: Logger): void {
  const channel = hub.channels.dashboard;
  nsp.on("connection", async (socket) => {
    const limiter = new SlidingWindow(config.REFRESH_RATE_LIMIT, config.REFRESH_RATE_WINDOW_MS);
    handleCommands(
      socket,
      channel,
      {
        refresh: async (_s, reply) => {
          if (!limiter.take()) {
            const wait = Math.ceil(limiter.retryAfter() / 1000);
            const error = `refresh rate limit: at most ${config.REFRESH_RATE_LIMIT} per ${config.REFRESH_RATE_WINDOW_MS / 1000}s; retry in ${wait}s`;
            return reply(channel.direct("error", { error, code: "rate_limited" }));
          }
          hub.feed.markDirty(); // re-read the database now; every client gets what changed
          reply(await hub.snapshot("dashboard"));
        },
        ping: (_s, reply) => reply(channel.direct("pong", {})),
      },
      log,
    );
    if (!socket.recovered) socket.emit("dashboard_update", await hub.snapshot("dashboard"));
  });
}
