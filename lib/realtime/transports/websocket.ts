// Plain RFC 6455 WebSocket endpoints for the clients the original systems shipped, on the same
// channels as Socket.IO — a thin adapter of the transport core (transport-core.ts: the same log,
// auth, caps, slow-client bound, heartbeat settings and resume):
//   GET /api/v1/ws/dashboard  → {"type":"dashboard_update","data":{…}} on connect and on
//     {"action":"refresh"}, dashboard_patch on change, {"type":"pong"} for {"action":"ping"},
//     {"type":"error","error":"…"} for bad input; `?sections=a,b` or
//     {"action":"subscribe","sections":[…]} (answered with a snapshot of them): only those sections;
//     `?risk=<id>` or {"action":"subscribe_risk","id":…} / {"action":"unsubscribe_risk"}: that risk's messages too.
//   GET /ws/admin/quotas (admins) → stats, violation, alert, …, and a `ping` every
//     HEARTBEAT_INTERVAL_MS, each with the connection's client_id.
// Every connection gets a WebSocket ping every PING_INTERVAL_MS; one silent (no pong, no
// message) for PING_INTERVAL_MS + PING_TIMEOUT_MS is dropped, as Socket.IO does.
// Messages carry the envelope's id and timestamp as well; `?last_event_id=` resumes after one.
// Refusals and closes are told in-band (an error message with its code, then close code
// 4000 + HTTP status and the code's name as reason) because a browser's WebSocket cannot read
// an HTTP refusal.
import "server-only";
import crypto from "node:crypto";
import type { IncomingMessage, Server as HttpServer } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer } from "ws";
import type { AppContext } from "../../context";
import { closeCodeOf, CODES, type Code } from "../../contract/codes";
import { plainWebSocketMessage, plainWebSocketRefusal } from "../../contract/frames";
import type { Logged } from "../channel";
import type { SessionView, TransportAdapter } from "../transport-core";
import { CHANNELS, plainWebSocketChannel } from "../../contract/channels";
import type { ChannelName, PlainCommand } from "../../contract/protocol";
import { pingCommand, refreshCommand, riskOf, subscribeCommand, subscribeRiskCommand, unknownCommandReporter, viewOf } from "./commands";
import { authenticateHandshake } from "./handshake";
import { isWriteCommand, writeCommands } from "./write-commands";
import { perMessageDeflateOptions, SharedFrames } from "./ws-frames";

/** The plain WebSocket endpoints on `httpServer`: adapters of the transport core, one per client. */
export function createPlainWebSocketServer(httpServer: HttpServer, app: AppContext) {
  const { config, realtime: hub, log } = app;
  const { core } = hub;
  const writes = writeCommands(app);
  const compression = {
    enabled: config.WS_COMPRESSION,
    threshold: config.WS_COMPRESSION_THRESHOLD,
    contextTakeover: config.WS_COMPRESSION_CONTEXT_TAKEOVER,
  };
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024, perMessageDeflate: perMessageDeflateOptions(compression) });
  /** Each message's frame (and compressed frame) made once and written to every socket that gets it. */
  const frames = new SharedFrames(compression);
  const sockets = new Set<WebSocket>();
  /** When each served socket was last heard from (a pong or a message). */
  const lastSeen = new Map<WebSocket, number>();
  // One timer for every connection's transport heartbeat (the app-level `ping` is the core's).
  const heartbeat = setInterval(() => {
    const now = Date.now();
    for (const [ws, seen] of lastSeen) {
      if (now - seen > core.heartbeat.pingIntervalMs + core.heartbeat.pingTimeoutMs) ws.terminate();
      else if (ws.readyState === WebSocket.OPEN) ws.ping();
    }
  }, core.heartbeat.pingIntervalMs);
  heartbeat.unref();

  async function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    const name = plainWebSocketChannel(req.url);
    if (!name) return; // not ours: Socket.IO's, or Next's dev hot-reload socket
    const url = new URL(req.url ?? "/", "http://localhost");
    const h = await authenticateHandshake({ headers: req.headers, queryToken: url.searchParams.get("token") }, { auth: app.auth, config });
    const risk = h.ok ? await riskOf(hub, name, url.searchParams.get("risk")) : null;
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.once("close", () => sockets.delete(ws));
      // A protocol error (an oversized frame, bad framing): ws closes the socket itself (1009,
      // 1002); without a listener the error would be thrown as uncaught.
      ws.on("error", (err) => log.debug({ err: err.message }, "websocket error"));
      if (!h.ok) return refuse(ws, h.code, h.error);
      const sections = url.searchParams.get("sections");
      const view = viewOf(hub, name, sections);
      if (!view.ok) return refuse(ws, "bad_request", view.error);
      if (risk && !risk.ok) return refuse(ws, risk.code, risk.error);
      const seen = hub.sections.viewWithRisk(view.view?.sections ?? null, risk?.ok ? risk.risk : null);
      serve(ws, name, h, url.searchParams.get("last_event_id"), seen);
    });
  }

  function refuse(ws: WebSocket, code: Code, message: string = CODES[code].message) {
    const r = plainWebSocketRefusal(code, message);
    ws.send(r.text, { compress: false });
    ws.close(r.closeCode, r.reason);
  }

  function serve(
    ws: WebSocket,
    name: ChannelName,
    h: Extract<Awaited<ReturnType<typeof authenticateHandshake>>, { ok: true }>,
    cursor: string | null,
    view: SessionView | null,
  ) {
    // The quota console's messages name the connection (client_id), as the original did.
    const clientId = name === "quotas" ? crypto.randomUUID() : undefined;
    /** Messages handed to ws and not yet written out: the client's queue. */
    let pending = 0;
    let closed = false;
    let ending = false;
    // Made once per connection, not per message.
    const written = () => void pending--;
    const write = (m: Logged) => {
      pending++;
      const text = plainWebSocketMessage(m.envelope, m.json, clientId);
      // The same text for every socket (m.json) shares its frames; a text of this socket's own (its client_id, an error's fields) does not.
      frames.send(ws, text === m.json ? m : null, text, written);
    };
    const adapter: TransportAdapter = {
      transport: "websocket",
      appPing: true,
      send(m) {
        if (!closed && !ending && ws.readyState === WebSocket.OPEN) write(m);
      },
      queued: () => pending,
      // The notice, then the close frame (4000 + the code's status); nothing more is queued.
      close(notice, code) {
        if (!closed && !ending && ws.readyState === WebSocket.OPEN) write(notice);
        ending = true;
        ws.close(closeCodeOf(code), code);
      },
      terminate: () => ws.terminate(),
    };
    const admitted = core.admit(name, h, adapter);
    if (!admitted.ok) return refuse(ws, admitted.code, admitted.message);
    const session = admitted.session;
    core.setView(session, view);
    /** A reply, as the connection's view has it. */
    const reply = (m: Logged) => {
      const seen = core.present(session, m);
      if (seen) adapter.send(seen);
    };
    const user = () => session.connection.principal.userId;
    const reportUnknown = unknownCommandReporter(hub, log, () => ({ path: CHANNELS[name].websocket, user: user() }));
    lastSeen.set(ws, Date.now());
    ws.on("pong", () => lastSeen.set(ws, Date.now()));
    ws.once("close", () => {
      closed = true;
      lastSeen.delete(ws);
      core.release(session);
    });
    ws.on("message", (raw, isBinary) => {
      lastSeen.set(ws, Date.now());
      let cmd: Partial<PlainCommand> | null = null;
      try {
        cmd = isBinary ? null : (JSON.parse(raw.toString()) as Partial<PlainCommand>);
      } catch {
        /* answered below */
      }
      const action = cmd && typeof cmd === "object" ? cmd.action : undefined;
      if (action === "ping") return reply(pingCommand(hub, name));
      if (action === "refresh" && name === "dashboard") {
        refreshCommand(hub, session.connection.principal, config)
          .then((r) => reply(r.message))
          .catch((err: unknown) => {
            log.error({ err }, "refresh failed");
            reply(core.errorFor(session, "internal", "refresh failed, try again"));
          });
        return;
      }
      if (isWriteCommand(action) && name === "dashboard") {
        const requestId = cmd?.request_id;
        if (requestId !== undefined && (typeof requestId !== "string" || requestId.length > 64))
          return reply(core.errorFor(session, "bad_request", "request_id: a string of at most 64 characters"));
        writes
          .run(session, action, cmd?.args)
          .then((r) =>
            reply(
              hub.channels.dashboard.direct("command_result", { ...r, command: action, ...(requestId ? { request_id: requestId } : {}) }),
            ),
          )
          .catch((err: unknown) => {
            log.error({ err }, "command failed");
            reply(core.errorFor(session, "internal", "command failed, try again"));
          });
        return;
      }
      if (action === "subscribe" && name === "dashboard") {
        subscribeCommand(hub, session, cmd)
          .then(reply)
          .catch((err: unknown) => {
            log.error({ err }, "subscribe failed");
            reply(core.errorFor(session, "internal", "subscribe failed, try again"));
          });
        return;
      }
      if ((action === "subscribe_risk" || action === "unsubscribe_risk") && name === "dashboard") {
        subscribeRiskCommand(hub, session, cmd, action === "unsubscribe_risk")
          .then(reply)
          .catch((err: unknown) => {
            log.error({ err }, "subscribe_risk failed");
            reply(core.errorFor(session, "internal", "subscribe_risk failed, try again"));
          });
        return;
      }
      reportUnknown(String(action ?? "(not a command)"));
      const what =
        action === undefined ? 'expected {"action":"refresh"} or {"action":"ping"}' : `unknown action: ${String(action).slice(0, 64)}`;
      adapter.send(core.errorFor(session, action === undefined ? "bad_request" : "unknown_command", what));
    });
    void core.subscribe(session, cursor, () => closed);
  }

  const listener = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    onUpgrade(req, socket, head).catch((err: unknown) => {
      log.error({ err }, "WebSocket upgrade failed");
      socket.destroy();
    });
  };
  httpServer.on("upgrade", listener);
  return {
    /** Messages encoded and compressed frames made (shared by every socket that got them). */
    frames: frames.counts,
    close() {
      clearInterval(heartbeat);
      httpServer.off("upgrade", listener);
      for (const ws of sockets) ws.terminate();
    },
  };
}
