// Plain RFC 6455 WebSocket endpoints for the clients the original systems shipped, on the same
// channels as Socket.IO (same log, auth, caps, slow-client bound, heartbeat settings and resume):
//   GET /api/v1/ws/dashboard  → {"type":"dashboard_update","data":{…}} on connect and on
//     {"action":"refresh"}, dashboard_patch on change, {"type":"pong"} for {"action":"ping"},
//     {"type":"error","error":"…"} for bad input.
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
import type { AnyChannel, Logged } from "../channel";
import { closeCodeOf, CODES, errorData, type Code } from "../../contract/codes";
import { plainWebSocketMessage, plainWebSocketRefusal } from "../../contract/frames";
import { EVICTION_GRACE_MS, type LiveConnection } from "../connections";
import { CHANNELS, plainWebSocketChannel } from "../../contract/channels";
import type { ChannelName, PlainCommand } from "../../contract/protocol";
import { pingCommand, refreshCommand, unknownCommandReporter } from "./commands";
import { authenticateHandshake } from "./handshake";

export function createPlainWebSocketServer(httpServer: HttpServer, app: AppContext) {
  const { config, realtime: hub, log } = app;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024, perMessageDeflate: false });
  const groups: Record<ChannelName, Set<(m: Logged) => void>> = { dashboard: new Set(), quotas: new Set() };
  const sockets = new Set<WebSocket>();
  /** When each served socket was last heard from (a pong or a message). */
  const lastSeen = new Map<WebSocket, number>();
  // One timer for every connection's heartbeat, and one for the quota console's `ping`.
  const heartbeat = setInterval(() => {
    const now = Date.now();
    for (const [ws, seen] of lastSeen) {
      if (now - seen > config.PING_INTERVAL_MS + config.PING_TIMEOUT_MS) ws.terminate();
      else if (ws.readyState === WebSocket.OPEN) ws.ping();
    }
  }, config.PING_INTERVAL_MS);
  heartbeat.unref();
  const quotaPing = setInterval(() => {
    if (groups.quotas.size === 0) return;
    const ping = hub.channels.quotas.direct("ping", {}) as Logged;
    groups.quotas.forEach((send) => send(ping));
  }, config.HEARTBEAT_INTERVAL_MS);
  quotaPing.unref();
  const removers = (Object.keys(groups) as ChannelName[]).map((name) => {
    return hub.channels[name].addSink((m) => groups[name].forEach((send) => send(m)));
  });

  async function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    const name = plainWebSocketChannel(req.url);
    if (!name) return; // not ours: Socket.IO's, or Next's dev hot-reload socket
    const url = new URL(req.url ?? "/", "http://localhost");
    const h = await authenticateHandshake({ headers: req.headers, queryToken: url.searchParams.get("token") }, { auth: app.auth, config });
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.once("close", () => sockets.delete(ws));
      // A protocol error (an oversized frame, bad framing): ws closes the socket itself (1009,
      // 1002); without a listener the error would be thrown as uncaught.
      ws.on("error", (err) => log.debug({ err: err.message }, "websocket error"));
      if (!h.ok) return refuse(ws, h.code, h.error);
      serve(ws, name, h, url.searchParams.get("last_event_id"));
    });
  }

  function refuse(ws: WebSocket, code: Code, message: string = CODES[code].message) {
    const r = plainWebSocketRefusal(code, message);
    ws.send(r.text);
    ws.close(r.closeCode, r.reason);
  }

  function serve(
    ws: WebSocket,
    name: ChannelName,
    h: Extract<Awaited<ReturnType<typeof authenticateHandshake>>, { ok: true }>,
    cursor: string | null,
  ) {
    const channel: AnyChannel = hub.channels[name];
    const clientId = crypto.randomUUID();
    let pending = 0;
    let closed = false;
    let evicted = false;
    // The quota console's messages name the connection (client_id), as the original did.
    const id = name === "quotas" ? clientId : undefined;
    const write = (m: Logged) => {
      pending++;
      ws.send(plainWebSocketMessage(m.envelope, m.json, id), () => pending--);
    };
    const send = (m: Logged) => {
      if (closed || evicted || ws.readyState !== WebSocket.OPEN) return;
      if (pending < config.SLOW_CLIENT_MAX_QUEUE) return write(m);
      // Too far behind: nothing more is queued but the notice and the close frame; the socket
      // is destroyed if the client has not read them within the grace period.
      evicted = true;
      hub.counters.slowClientEvictions++;
      log.warn({ channel: name, user: conn.principal.userId }, "slow WebSocket client disconnected");
      groups[name].delete(send);
      hub.connections.remove(conn);
      write(channel.errorMessage(errorData("slow_consumer")));
      ws.close(closeCodeOf("slow_consumer"), "slow_consumer");
      setTimeout(() => ws.terminate(), EVICTION_GRACE_MS).unref();
    };
    const conn: LiveConnection = {
      channel: name,
      transport: "websocket",
      principal: h.principal,
      recheck: h.recheck,
      close(code, message = CODES[code].message) {
        send(channel.errorMessage(errorData(code, message)));
        ws.close(closeCodeOf(code), code);
      },
    };
    const refused = hub.connections.admit(conn);
    if (refused) return refuse(ws, refused, hub.connections.refusalMessage(refused, name));
    const reportUnknown = unknownCommandReporter(hub, log, () => ({ path: CHANNELS[name].websocket, user: conn.principal.userId }));
    lastSeen.set(ws, Date.now());
    ws.on("pong", () => lastSeen.set(ws, Date.now()));
    ws.once("close", () => {
      closed = true;
      lastSeen.delete(ws);
      groups[name].delete(send);
      hub.connections.remove(conn);
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
      if (action === "ping") return send(pingCommand(hub, name));
      if (action === "refresh" && name === "dashboard") {
        refreshCommand(hub, conn.principal, config)
          .then((r) => send(r.message))
          .catch((err: unknown) => {
            log.error({ err }, "refresh failed");
            send(channel.errorMessage(errorData("internal", "refresh failed, try again")));
          });
        return;
      }
      reportUnknown(String(action ?? "(not a command)"));
      const what =
        action === undefined ? 'expected {"action":"refresh"} or {"action":"ping"}' : `unknown action: ${String(action).slice(0, 64)}`;
      send(channel.errorMessage(errorData(action === undefined ? "bad_request" : "unknown_command", what)));
    });
    channel.attach(cursor, { send, live: () => void (closed || groups[name].add(send)), isClosed: () => closed }).catch((err: unknown) => {
      log.error({ err, channel: name }, "could not start a WebSocket stream");
      conn.close("unavailable");
    });
  }

  const listener = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    onUpgrade(req, socket, head).catch((err: unknown) => {
      log.error({ err }, "WebSocket upgrade failed");
      socket.destroy();
    });
  };
  httpServer.on("upgrade", listener);
  return {
    close() {
      clearInterval(heartbeat);
      clearInterval(quotaPing);
      httpServer.off("upgrade", listener);
      removers.forEach((r) => r());
      for (const ws of sockets) ws.terminate();
    },
  };
}
