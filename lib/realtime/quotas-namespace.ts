// /admin/quotas (admins only, enforced in the handshake): the latest stats on connect, then
// the channel's broadcasts; an app-level `ping` heartbeat every HEARTBEAT_INTERVAL_MS; at most
// MAX_CONNECTIONS clients per instance, across Socket.IO and SSE.
import type { Namespace, Socket } from "socket.io";
import type { Config } from "../config";
import type { Logger } from "../log";
import type { Channel } from "./channel";
import type { RealtimeHub } from "./hub";
import { refusal } from "./socket-auth";
import { handleCommands } from "./socket-commands";

export function capacityMessage(max: number) {
  return `too many connections: this instance serves at most ${max} quota-console clients; retry later or use another instance`;
}

/** Handshake middleware: refuse clearly when full, instead of letting the client hang. */
export function limitConnections(channel: Channel, max: number) {
  return (_socket: Socket, next: (err?: Error) => void) => {
    if (channel.clientCount() >= max) return next(refusal(503, capacityMessage(max)));
    next();
  };
}

export function serveQuotas(nsp: Namespace, hub: RealtimeHub, config: Config, log: Logger): () => void {
  const channel = hub.channels.quotas;
  const heartbeat = setInterval(() => nsp.emit("ping", channel.direct("ping", {})), config.HEARTBEAT_INTERVAL_MS);
  heartbeat.unref();
  nsp.on("connection", async (socket) => {
    // Handshakes that raced past the middleware together: the last ones in leave again.
    if (channel.clientCount() > config.MAX_CONNECTIONS) {
      socket.emit("error", channel.direct("error", { error: capacityMessage(config.MAX_CONNECTIONS), code: "capacity" }));
      socket.disconnect(true);
      return;
    }
    handleCommands(socket, channel, { ping: (_s, reply) => reply(channel.direct("pong", {})) }, log);
    if (!socket.recovered) socket.emit("stats", await hub.snapshot("quotas"));
  });
  return () => clearInterval(heartbeat);
}
