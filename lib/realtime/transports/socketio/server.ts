// Socket.IO on the app's HTTP server: /dashboard and /admin/quotas, typed by the protocol.
// Handshakes authenticate (handshake.ts) and are admitted by the connection registry (caps,
// live re-checks). Each socket resumes after the `auth.lastId` it sends on every (re)connect —
// our own log, not Socket.IO's connection-state recovery, is the delivery guarantee — and then
// joins the namespace's live room, which gets each channel message encoded once for everyone.
import "server-only";
import type { Server as HttpServer, IncomingMessage } from "node:http";
import { Server, type Namespace, type Socket } from "socket.io";
import type { AppContext } from "../../../context";
import type { AnyChannel, Logged } from "../../channel";
import { CHANNELS, SOCKET_PATH } from "../../../contract/channels";
import { CODES, errorData, type Code } from "../../../contract/codes";
import { socketIoRefusal } from "../../../contract/frames";
import type { ChannelName, ClientToServerEvents, Envelope, ServerToClientEvents, SocketAuth } from "../../../contract/protocol";
import { EVICTION_GRACE_MS, type LiveConnection } from "../../connections";
import { pingCommand, refreshCommand, unknownCommandReporter } from "../commands";
import { authenticateHandshake } from "../handshake";

interface SocketData {
  conn: LiveConnection;
}
type Nsp<C extends ChannelName> = Namespace<ClientToServerEvents[C], ServerToClientEvents<C>, Record<string, never>, SocketData>;
type Sock<C extends ChannelName> = Socket<ClientToServerEvents[C], ServerToClientEvents<C>, Record<string, never>, SocketData>;
type Ack = (reply: Envelope) => void;

const LIVE = "live";
const SWEEP_MS = 1000;

/** The one untyped step: an envelope's type is its event name, which TypeScript cannot follow through a union. */
function emit(target: object, env: Envelope) {
  (target as { emit(ev: string, env: Envelope): unknown }).emit(env.type, env);
}

/** A handshake refusal: Socket.IO hands `data` to the client's connect_error. */
function refusal(code: Code, error: string = CODES[code].message): Error {
  return Object.assign(new Error(error), { data: socketIoRefusal(code, error) });
}

/**
 * Evicts a client that fell too far behind: what engine.io still queues for it is dropped (the
 * client resumes from its cursor), the `slow_consumer` error goes out in its place, and the
 * socket closes. A stalled reader never drains even that, so after the grace period the
 * WebSocket is terminated and the bytes already handed to it are freed too.
 */
function evict(socket: Socket, notice: Envelope) {
  const conn = socket.conn as unknown as { writeBuffer: unknown[]; transport: { socket?: { terminate?: () => void } } };
  conn.writeBuffer.length = 0;
  emit(socket, notice);
  socket.disconnect(true);
  const ws = conn.transport.socket;
  setTimeout(() => {
    socket.conn.close(true);
    ws?.terminate?.();
  }, EVICTION_GRACE_MS).unref();
}

export function createSocketServer(httpServer: HttpServer, app: AppContext) {
  const { config, realtime: hub, log } = app;
  const io = new Server(httpServer, {
    path: SOCKET_PATH,
    serveClient: false,
    // Leave every other upgrade (Next's dev hot-reload socket, the plain WebSocket endpoints) alone.
    destroyUpgrade: false,
    pingInterval: config.PING_INTERVAL_MS,
    pingTimeout: config.PING_TIMEOUT_MS,
    maxHttpBufferSize: 64 * 1024, // clients only send small commands
    perMessageDeflate: false, // a deflate context per socket costs memory; patches are small
  });
  // Socket.IO keeps each session's first HTTP request (stream state, parser, socket refs) for its
  // lifetime, only to build each namespace's handshake from it: keep just what that reads.
  io.engine.on("connection", (raw: { request: IncomingMessage & { _query?: unknown } }) => {
    const { headers, url, _query } = raw.request;
    const encrypted = (raw.request.socket as { encrypted?: boolean }).encrypted === true;
    raw.request = { headers, url, _query, connection: { encrypted } } as unknown as typeof raw.request;
  });
  // The default namespace is not part of the API.
  io.of("/").use((_socket, next) => next(refusal("unknown_namespace")));

  function setup<C extends ChannelName>(name: C): { nsp: Nsp<C>; stop: () => void } {
    const nsp = io.of(CHANNELS[name].namespace) as unknown as Nsp<C>;
    const channel: AnyChannel = hub.channels[name];

    nsp.use(async (socket, next) => {
      const { headers, auth, query } = socket.handshake;
      const a = auth as SocketAuth;
      const h = await authenticateHandshake(
        {
          headers,
          authToken: typeof a.token === "string" ? a.token : null,
          queryToken: typeof query.token === "string" ? query.token : null,
        },
        { auth: app.auth, config },
      );
      if (!h.ok) return next(refusal(h.code, h.error));
      const conn: LiveConnection = {
        channel: name,
        transport: "socket.io",
        principal: h.principal,
        recheck: h.recheck,
        close(code, message = CODES[code].message) {
          emit(socket, channel.errorMessage(errorData(code, message)).envelope);
          socket.disconnect(true);
        },
      };
      const refused = hub.connections.admit(conn);
      if (refused) return next(refusal(refused, hub.connections.refusalMessage(refused, name)));
      socket.data.conn = conn;
      socket.conn.once("close", () => hub.connections.remove(conn));
      next();
    });

    nsp.on("connection", (socket: Sock<C>) => {
      socket.on("disconnect", () => hub.connections.remove(socket.data.conn));
      serveCommands(name, socket);
      const lastId = (socket.handshake.auth as SocketAuth).lastId;
      channel
        .attach(typeof lastId === "string" ? lastId : null, {
          send: (m) => emit(socket, m.envelope),
          live: () => void socket.join(LIVE),
          isClosed: () => socket.disconnected,
        })
        .catch((err: unknown) => {
          log.error({ err, nsp: nsp.name }, "could not start a socket's stream");
          emit(socket, channel.errorMessage(errorData("unavailable")).envelope);
          socket.disconnect(true);
        });
    });

    const removeSink = channel.addSink((m: Logged) => emit(nsp.to(LIVE), m.envelope));

    // Clients that stopped reading pile messages up in engine.io's write buffer. A burst fills
    // healthy clients' buffers for a moment too, so a client is evicted only when its queue stays
    // above the bound for two sweeps in a row (≥ 1 s); it resumes from its cursor on reconnect.
    const strikes = new WeakMap<object, number>();
    const sweep = setInterval(() => {
      for (const socket of nsp.sockets.values()) {
        const queued = (socket.conn as unknown as { writeBuffer?: unknown[] }).writeBuffer?.length ?? 0;
        const n = queued > config.SLOW_CLIENT_MAX_QUEUE ? (strikes.get(socket) ?? 0) + 1 : 0;
        strikes.set(socket, n);
        if (n >= 2) {
          log.warn({ nsp: nsp.name, socket: socket.id, queued }, "slow client disconnected");
          hub.counters.slowClientEvictions++;
          hub.connections.remove(socket.data.conn);
          evict(socket as unknown as Socket, channel.errorMessage(errorData("slow_consumer")).envelope);
        }
      }
    }, SWEEP_MS);
    sweep.unref();
    return {
      nsp,
      stop: () => {
        clearInterval(sweep);
        removeSink();
      },
    };
  }

  // One command table per namespace, shared by its sockets: per-socket closures are memory
  // every idle connection pays for.
  type Command = (socket: Sock<ChannelName>) => Promise<Logged> | Logged;
  const commandTables: { [C in ChannelName]: Record<string, Command> } = {
    dashboard: {
      refresh: async (socket) => (await refreshCommand(hub, socket.data.conn.principal, config)).message,
      ping: () => pingCommand(hub, "dashboard"),
    },
    quotas: { ping: () => pingCommand(hub, "quotas") },
  };

  function serveCommands<C extends ChannelName>(name: C, socket: Sock<C>) {
    const commands = commandTables[name];
    const channel: AnyChannel = hub.channels[name];
    let reportUnknown: ((command: string) => void) | null = null; // made on the first unknown command only
    socket.onAny((event: string, ...args: unknown[]) => {
      const last = args.at(-1);
      const ack = typeof last === "function" ? (last as Ack) : undefined;
      const reply = (m: Logged) => {
        emit(socket, m.envelope);
        ack?.(m.envelope);
      };
      const run = Object.hasOwn(commands, event) ? commands[event] : undefined;
      if (!run) {
        reportUnknown ??= unknownCommandReporter(hub, log, () => ({ nsp: socket.nsp.name, user: socket.data.conn.principal.userId }));
        reportUnknown(String(event));
        return reply(channel.errorMessage(errorData("unknown_command", `unknown command: ${String(event).slice(0, 64)}`)));
      }
      Promise.resolve(run(socket as unknown as Sock<ChannelName>))
        .then(reply)
        .catch((err: unknown) => {
          log.error({ err, command: event }, "socket command failed");
          reply(channel.errorMessage(errorData("internal", "command failed, try again")));
        });
    });
  }

  const dashboard = setup("dashboard");
  const quotas = setup("quotas");
  // The quota console's app-level heartbeat (its transport heartbeat is engine.io's ping).
  const heartbeat = setInterval(
    () => emit(quotas.nsp.to(LIVE), hub.channels.quotas.direct("ping", {}).envelope),
    config.HEARTBEAT_INTERVAL_MS,
  );
  heartbeat.unref();

  return {
    io,
    async close() {
      clearInterval(heartbeat);
      dashboard.stop();
      quotas.stop();
      dashboard.nsp.disconnectSockets(true);
      quotas.nsp.disconnectSockets(true);
      // Not io.close(): that also closes the HTTP server and waits for it, which the drain does itself.
      io.engine.close();
    },
  };
}
export type SocketServer = ReturnType<typeof createSocketServer>;
