// Plain RFC 6455 WebSocket endpoints for the clients the original systems shipped, on the same
// channels as Socket.IO (same log, auth, caps, slow-client bound and resume):
//   GET /api/v1/ws/dashboard  → {"type":"dashboard_update","data":{…}} on connect and on
//     {"action":"refresh"}, dashboard_patch on change, {"type":"pong"} for {"action":"ping"},
//     {"type":"error","error":"…"} for bad input.
//   GET /ws/admin/quotas (admins) → stats every 5 s, violation, alert, …, ping every 10 s, each
//     with the connection's client_id; a client silent for 30 s is dropped.
// Messages carry the envelope's id and timestamp as well; `?last_event_id=` resumes after one.
// Authentication failures are told in-band (an error message, then close code 4000 + HTTP status)
// because a browser's WebSocket cannot read an HTTP refusal.
import "server-only";
import crypto from "node:crypto";
import type { IncomingMessage, Server as HttpServer } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer } from "ws";
import type { AppContext } from "../../context";
import type { AnyChannel, Logged } from "../channel";
import { CODES, errorData, type Code } from "../codes";
import type { LiveConnection } from "../connections";
import { CHANNELS, type ChannelName, type PlainCommand } from "../protocol";
import { pingCommand, refreshCommand, unknownCommandReporter } from "./commands";
import { authenticateHandshake } from "./handshake";

const PATHS: Record<string, ChannelName> = { [CHANNELS.dashboard.websocket]: "dashboard", [CHANNELS.quotas.websocket]: "quotas" };
const INACTIVITY_MS = 30_000;
const PING_EVERY_MS = 10_000;

/** The original clients read `error` at the top level (README "Plain WebSocket"); keep the envelope's fields too. */
function plainJson(m: Logged): string {
  const e = m.envelope;
  if (e.type !== "error") return m.json;
  const d = e.data as { error: string; code: string };
  return JSON.stringify({ type: "error", id: e.id, timestamp: e.timestamp, error: d.error, code: d.code, data: d });
}

export function plainWebSocketPath(url: string | undefined): ChannelName | null {
  const path = (url ?? "").split("?")[0] ?? "";
  return Object.hasOwn(PATHS, path) ? PATHS[path]! : null;
}

export function createPlainWebSocketServer(httpServer: HttpServer, app: AppContext) {
  const { config, realtime: hub, log } = app;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024, perMessageDeflate: false });
  const groups: Record<ChannelName, Set<(m: Logged) => void>> = { dashboard: new Set(), quotas: new Set() };
  const sockets = new Set<WebSocket>();
  const removers = (Object.keys(groups) as ChannelName[]).map((name) => {
    return hub.channels[name].addSink((m) => groups[name].forEach((send) => send(m)));
  });

  async function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    const name = plainWebSocketPath(req.url);
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
    ws.send(JSON.stringify({ type: "error", timestamp: new Date().toISOString(), error: message, code, data: errorData(code, message) }));
    ws.close(4000 + CODES[code].status, message.slice(0, 120));
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
    let lastSeen = Date.now();
    const send = (m: Logged) => {
      if (closed || ws.readyState !== WebSocket.OPEN) return;
      if (pending >= config.SLOW_CLIENT_MAX_QUEUE) {
        hub.counters.slowClientEvictions++;
        log.warn({ channel: name, user: conn.principal.userId }, "slow WebSocket client disconnected");
        return ws.terminate();
      }
      const json = plainJson(m);
      pending++;
      // The quota console's envelope names the connection (client_id), as the original did.
      ws.send(name === "quotas" ? `${json.slice(0, -1)},"client_id":"${clientId}"}` : json, () => pending--);
    };
    const conn: LiveConnection = {
      channel: name,
      transport: "websocket",
      principal: h.principal,
      recheck: h.recheck,
      close(code, message = CODES[code].message) {
        send(channel.errorMessage(errorData(code, message)));
        ws.close(4000 + CODES[code].status, message.slice(0, 120));
      },
    };
    const refused = hub.connections.admit(conn);
    if (refused) return refuse(ws, refused, hub.connections.refusalMessage(refused, name));
    const reportUnknown = unknownCommandReporter(hub, log, () => ({ path: CHANNELS[name].websocket, user: conn.principal.userId }));
    const heartbeat = setInterval(() => {
      if (Date.now() - lastSeen > INACTIVITY_MS) return ws.terminate();
      ws.ping();
      if (name === "quotas") send(hub.channels.quotas.direct("ping", {}) as Logged);
    }, PING_EVERY_MS);
    ws.on("pong", () => (lastSeen = Date.now()));
    ws.once("close", () => {
      closed = true;
      clearInterval(heartbeat);
      groups[name].delete(send);
      hub.connections.remove(conn);
    });
    ws.on("message", (raw, isBinary) => {
      lastSeen = Date.now();
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
      httpServer.off("upgrade", listener);
      removers.forEach((r) => r());
      for (const ws of sockets) ws.terminate();
    },
  };
}
