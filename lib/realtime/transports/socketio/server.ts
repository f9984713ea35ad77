// Socket.IO on the app's HTTP server: /dashboard and /admin/quotas, typed by the protocol — a
// thin adapter of the transport core (transport-core.ts). Handshakes authenticate (handshake.ts)
// and are admitted by the core (caps, live re-checks, slow clients, the quota console's ping). Each socket resumes after the `auth.lastId` it sends on every (re)connect —
// our own log, not Socket.IO's connection-state recovery, is the delivery guarantee — and then
// joins the namespace's live room, which gets each channel message encoded once for everyone.
// A dashboard socket subscribed to some sections (`auth.sections`, the `subscribe` command) joins
// its set's room instead, which gets each message as that set sees it, filtered once for the room;
// one following a risk (`auth.risk`, `subscribe_risk`) joins the room of its sections and that
// risk, which alone gets the risk's messages.
import "server-only";
import type { Server as HttpServer, IncomingMessage } from "node:http";
import { Server, type Namespace, type Socket } from "socket.io";
import { WebSocketServer, type ServerOptions } from "ws";
import type { AppContext } from "../../../context";
import type { AnyChannel, Logged } from "../../channel";
import { CHANNELS, SOCKET_PATH } from "../../../contract/channels";
import { CODES, type Code } from "../../../contract/codes";
import { socketIoRefusal } from "../../../contract/frames";
import type { ChannelName, ClientToServerEvents, Envelope, ServerToClientEvents, SocketAuth } from "../../../contract/protocol";
import { isRiskMessage, type LiveSession, type TransportAdapter } from "../../transport-core";
import { pingCommand, refreshCommand, riskOf, subscribeCommand, subscribeRiskCommand, unknownCommandReporter, viewOf } from "../commands";
import { authenticateHandshake } from "../handshake";
import { writeCommands, WRITE_COMMANDS } from "../write-commands";
import { perMessageDeflateOptions, SharedFrames, type CompressionSettings } from "../ws-frames";
import { sharedFrameAdapter } from "./shared-frame-adapter";

interface SocketData {
  session: LiveSession;
}
type Nsp<C extends ChannelName> = Namespace<ClientToServerEvents[C], ServerToClientEvents<C>, Record<string, never>, SocketData>;
type Sock<C extends ChannelName> = Socket<ClientToServerEvents[C], ServerToClientEvents<C>, Record<string, never>, SocketData>;
type Ack = (reply: Envelope) => void;

const LIVE = "live";
/** The room of a set of sections: "live:<key>" ("live" alone: everything). */
const liveRoom = (view: string) => (view ? `${LIVE}:${view}` : LIVE);

/** The one untyped step: an envelope's type is its event name, which TypeScript cannot follow through a union. */
function emit(target: object, env: Envelope) {
  (target as { emit(ev: string, env: Envelope): unknown }).emit(env.type, env);
}

/** A handshake refusal: Socket.IO hands `data` to the client's connect_error. */
function refusal(code: Code, error: string = CODES[code].message): Error {
  return Object.assign(new Error(error), { data: socketIoRefusal(code, error) });
}

/**
 * engine.io's WebSocket server class, negotiating permessage-deflate itself: engine.io is told
 * "no compression" so that it keeps writing the adapter's pre-encoded (and pre-compressed) frames.
 */
function deflatingWsServer(compression: CompressionSettings): typeof WebSocketServer {
  const perMessageDeflate = perMessageDeflateOptions(compression);
  return class DeflatingWsServer extends WebSocketServer {
    constructor(options?: ServerOptions, callback?: () => void) {
      super({ ...options, perMessageDeflate }, callback);
    }
  } as typeof WebSocketServer;
}

/** engine.io's per-connection internals the adapter reads: its write buffer and the WebSocket under it. */
type EngineConn = { writeBuffer?: unknown[]; transport: { socket?: { terminate?: () => void } } };

/**
 * The Socket.IO adapter of one socket. Its queue is what engine.io still buffers for it; closing
 * for eviction drops that (the client resumes from its cursor) and sends the notice in its place;
 * terminating closes the engine connection and the WebSocket under it, freeing bytes already
 * handed to it. Live messages reach it through the namespace's room, encoded once for everyone.
 */
function socketAdapter(socket: Socket, rooms: Set<string>, viaAdapter: boolean): TransportAdapter {
  const engine = () => socket.conn as unknown as EngineConn;
  let ws: { terminate?: () => void } | undefined;
  let room: string | null = null;
  return {
    transport: "socket.io",
    appPing: true,
    // Through the socket's own room when frames are compressed by the adapter (a snapshot is the
    // largest message of all), else straight to the socket.
    send: (m) => emit(viaAdapter ? socket.nsp.to(socket.id) : socket, m.envelope),
    queued: () => engine().writeBuffer?.length ?? 0,
    close(notice, _code, drop) {
      ws = engine().transport.socket;
      if (drop && engine().writeBuffer) engine().writeBuffer!.length = 0;
      emit(socket, notice.envelope);
      socket.disconnect(true);
    },
    terminate() {
      socket.conn.close(true);
      ws?.terminate?.();
    },
    joinLive(view) {
      const next = liveRoom(view);
      if (room === next) return;
      if (room) void socket.leave(room);
      room = next;
      if (view) rooms.add(next);
      void socket.join(next);
    },
  };
}

/**
 * The Socket.IO adapter: serves every channel's namespace on the HTTP server, authenticates each
 * handshake, admits it through the transport core (a refusal is sent as `connect_error` with
 * its code) and resumes it from its cursor. Returns the server and close(), which disconnects
 * every socket and closes engine.io but leaves the HTTP server to the drain.
 */
export function createSocketServer(httpServer: HttpServer, app: AppContext) {
  const { config, realtime: hub, log } = app;
  const { core } = hub;
  const compression = {
    enabled: config.WS_COMPRESSION,
    threshold: config.WS_COMPRESSION_THRESHOLD,
    contextTakeover: config.WS_COMPRESSION_CONTEXT_TAKEOVER,
  };
  /** Compression with frames shared by every socket (no context takeover). */
  const shared = compression.enabled && !compression.contextTakeover;
  const frames = new SharedFrames(compression);
  const io = new Server(httpServer, {
    path: SOCKET_PATH,
    serveClient: false,
    // Leave every other upgrade (Next's dev hot-reload socket, the plain WebSocket endpoints) alone.
    destroyUpgrade: false,
    pingInterval: core.heartbeat.pingIntervalMs,
    pingTimeout: core.heartbeat.pingTimeoutMs,
    maxHttpBufferSize: 64 * 1024, // clients only send small commands
    // WS_COMPRESSION (README "Performance"): off, each broadcast goes out as one pre-encoded frame
    // (socket.io-adapter's wsPreEncodedFrame) written to every socket. On, ws negotiates deflate
    // (wsEngine) while engine.io keeps accepting pre-encoded frames, and the adapter makes each
    // broadcast's compressed frame once (shared-frame-adapter.ts). With context takeover engine.io
    // hands compression to ws, per socket.
    ...(shared
      ? { perMessageDeflate: false, wsEngine: deflatingWsServer(compression), adapter: sharedFrameAdapter(frames) }
      : { perMessageDeflate: perMessageDeflateOptions(compression) }),
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
    /** The section rooms ever joined (at most one per set of sections). */
    const sectionRooms = new Set<string>();

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
      const view = viewOf(hub, name, a.sections);
      if (!view.ok) return next(refusal("bad_request", view.error));
      const risk = await riskOf(hub, name, a.risk);
      if (!risk.ok) return next(refusal(risk.code, risk.error));
      const admitted = core.admit(name, h, socketAdapter(socket as unknown as Socket, sectionRooms, shared));
      if (!admitted.ok) return next(refusal(admitted.code, admitted.message));
      const session = admitted.session;
      core.setView(session, hub.sections.viewWithRisk(view.view?.sections ?? null, risk.risk));
      socket.data.session = session;
      socket.conn.once("close", () => core.release(session));
      next();
    });

    nsp.on("connection", (socket: Sock<C>) => {
      const session = socket.data.session;
      socket.on("disconnect", () => core.release(session));
      serveCommands(name, socket);
      const lastId = (socket.handshake.auth as SocketAuth).lastId;
      void core.subscribe(session, typeof lastId === "string" ? lastId : null, () => socket.disconnected);
    });

    // The namespace's live room: each channel message is encoded once for all its sockets; each
    // section room gets the message as its set sees it (filtered once, encoded once).
    const removeSink = channel.addSink((m: Logged) => {
      if (!isRiskMessage(m)) emit(nsp.to(LIVE), m.envelope);
      for (const room of sectionRooms) {
        if (!nsp.adapter.rooms.has(room)) {
          sectionRooms.delete(room); // its last socket left
          continue;
        }
        const seen = hub.sections.byKey(room.slice(LIVE.length + 1))?.apply(m);
        if (seen) emit(nsp.to(room), seen.envelope);
      }
    });
    return { nsp, stop: removeSink };
  }

  // One command table per namespace, shared by its sockets: per-socket closures are memory
  // every idle connection pays for.
  type Command = (socket: Sock<ChannelName>, args: unknown[]) => Promise<Logged> | Logged;
  const writes = writeCommands(app);
  /** The write commands: the REST routes' services, answered with a `command_result`. */
  const writeTable: Record<string, Command> = Object.fromEntries(
    WRITE_COMMANDS.map((command) => [
      command,
      async (socket: Sock<ChannelName>, args: unknown[]) =>
        hub.channels.dashboard.direct("command_result", {
          ...(await writes.run(socket.data.session, command, args[0])),
          command,
        }) as Logged,
    ]),
  );
  const commandTables: { [C in ChannelName]: Record<string, Command> } = {
    dashboard: {
      refresh: async (socket) => (await refreshCommand(hub, socket.data.session.connection.principal, config)).message,
      ping: () => pingCommand(hub, "dashboard"),
      subscribe: (socket, args) => subscribeCommand(hub, socket.data.session, args[0]),
      subscribe_risk: (socket, args) => subscribeRiskCommand(hub, socket.data.session, args[0]),
      unsubscribe_risk: (socket) => subscribeRiskCommand(hub, socket.data.session, undefined, true),
      ...writeTable,
    },
    quotas: { ping: () => pingCommand(hub, "quotas") },
  };

  function serveCommands<C extends ChannelName>(name: C, socket: Sock<C>) {
    const commands = commandTables[name];
    let reportUnknown: ((command: string) => void) | null = null; // made on the first unknown command only
    socket.onAny((event: string, ...args: unknown[]) => {
      const last = args.at(-1);
      const ack = typeof last === "function" ? (last as Ack) : undefined;
      const reply = (raw: Logged) => {
        const m = core.present(socket.data.session, raw);
        if (!m) return;
        // A command's result goes to its acknowledgement only (an event when there is none).
        if (!ack || m.envelope.type !== "command_result") emit(socket, m.envelope);
        ack?.(m.envelope);
      };
      const run = Object.hasOwn(commands, event) ? commands[event] : undefined;
      if (!run) {
        reportUnknown ??= unknownCommandReporter(hub, log, () => ({
          nsp: socket.nsp.name,
          user: socket.data.session.connection.principal.userId,
        }));
        reportUnknown(String(event));
        return reply(core.errorFor(socket.data.session, "unknown_command", `unknown command: ${String(event).slice(0, 64)}`));
      }
      Promise.resolve(run(socket as unknown as Sock<ChannelName>, ack ? args.slice(0, -1) : args))
        .then(reply)
        .catch((err: unknown) => {
          log.error({ err, command: event }, "socket command failed");
          reply(core.errorFor(socket.data.session, "internal", "command failed, try again"));
        });
    });
  }

  const dashboard = setup("dashboard");
  const quotas = setup("quotas");

  return {
    io,
    async close() {
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
