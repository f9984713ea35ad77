// Live dashboard clients of every kind that keep the raw text of each envelope they get, as it
// left the server: Socket.IO over WebSocket (offering permessage-deflate or not) and over
// polling, and the plain WebSocket (deflate or not). A test compares the texts of one message
// across them: the fan-out writes the same bytes to all, compressed or not on the wire.
import { io, type Socket } from "socket.io-client";
import WebSocket from "ws";
import { until } from "./socket";

export interface WireClient {
  readonly name: string;
  /** Each envelope's JSON text by its id, in arrival order. */
  readonly texts: Map<string, string>;
  /** The extensions the WebSocket negotiated ("" for none; null: not a WebSocket). */
  extensions(): string | null;
  /** Bytes the client read from its TCP socket so far (null: not a WebSocket). */
  bytesRead(): number | null;
  close(): void;
}

type RawWs = WebSocket & { _socket?: { bytesRead: number }; _extensions?: Record<string, { params: Record<string, unknown> }> };

/** What a `ws` socket negotiated, as a Sec-WebSocket-Extensions value ("" for nothing): ws.extensions has only the names. */
function negotiated(ws: RawWs | undefined): string {
  return Object.entries(ws?._extensions ?? {})
    .map(([name, ext]) => [name, ...Object.entries(ext.params).map(([k, v]) => (v === true ? k : `${k}=${String(v)}`))].join("; "))
    .join(", ");
}

/** The envelope text inside a Socket.IO event packet `2<nsp>,["<type>",<envelope>]`, or null. */
function envelopeText(packet: string, nsp: string): string | null {
  const head = `2${nsp},["`;
  if (!packet.startsWith(head)) return null;
  const comma = packet.indexOf('",', head.length);
  return comma < 0 ? null : packet.slice(comma + 2, -1);
}

function remember(texts: Map<string, string>, text: string) {
  const env = JSON.parse(text) as { id?: string };
  if (typeof env.id === "string") texts.set(env.id, text);
}

/** A Socket.IO client of /dashboard recording the raw envelope text of every event. */
export async function socketIoWire(
  base: string,
  token: string,
  opts: { transport: "websocket" | "polling"; deflate: boolean; sections?: string[] },
): Promise<WireClient> {
  const texts = new Map<string, string>();
  const socket: Socket = io(`${base}/dashboard`, {
    auth: { token, ...(opts.sections ? { sections: opts.sections } : {}) },
    transports: [opts.transport],
    // The Node client offers deflate with this threshold for what it sends; false (handed to ws,
    // though the typings only know the object): it does not offer it.
    perMessageDeflate: (opts.deflate ? { threshold: 1024 } : false) as { threshold: number },
    forceNew: true,
    reconnection: false,
  });
  socket.io.on("open", () =>
    socket.io.engine.on("packet", (p: { type: string; data?: unknown }) => {
      if (p.type !== "message" || typeof p.data !== "string") return;
      const text = envelopeText(p.data, "/dashboard");
      if (text) remember(texts, text);
    }),
  );
  await new Promise<void>((resolve, reject) => (socket.once("connect", resolve), socket.once("connect_error", reject)));
  const ws = () => (socket.io.engine.transport as unknown as { ws?: RawWs }).ws;
  return {
    name: `Socket.IO ${opts.transport}${opts.transport === "websocket" ? (opts.deflate ? " (deflate offered)" : " (no deflate)") : ""}`,
    texts,
    extensions: () => (opts.transport === "websocket" ? negotiated(ws()) : null),
    bytesRead: () => (opts.transport === "websocket" ? (ws()?._socket?.bytesRead ?? 0) : null),
    close: () => socket.close(),
  };
}

/** A plain WebSocket client of /api/v1/ws/dashboard recording every message's text. */
export async function plainWire(base: string, token: string, opts: { deflate: boolean; sections?: string[] }): Promise<WireClient> {
  const texts = new Map<string, string>();
  const q = `token=${encodeURIComponent(token)}${opts.sections ? `&sections=${opts.sections.join(",")}` : ""}`;
  const ws: RawWs = new WebSocket(`${base.replace(/^http/, "ws")}/api/v1/ws/dashboard?${q}`, { perMessageDeflate: opts.deflate });
  ws.on("message", (raw) => remember(texts, raw.toString()));
  await new Promise<void>((resolve, reject) => (ws.once("open", () => resolve()), ws.once("error", reject)));
  return {
    name: `plain WebSocket${opts.deflate ? " (deflate offered)" : " (no deflate)"}`,
    texts,
    extensions: () => negotiated(ws),
    bytesRead: () => ws._socket?.bytesRead ?? 0,
    close: () => ws.close(),
  };
}

/** Every kind of client, on one set of sections (none: the whole dashboard). */
export async function everyWire(base: string, token: string, sections?: string[]): Promise<WireClient[]> {
  return Promise.all([
    socketIoWire(base, token, { transport: "websocket", deflate: true, sections }),
    socketIoWire(base, token, { transport: "websocket", deflate: false, sections }),
    socketIoWire(base, token, { transport: "polling", deflate: false, sections }),
    plainWire(base, token, { deflate: true, sections }),
    plainWire(base, token, { deflate: false, sections }),
  ]);
}

/**
 * Waits until every client holds a `dashboard_patch` of `version` and returns its text, after
 * checking that all of them got the very same text.
 */
export async function samePatchText(clients: WireClient[], version: number): Promise<string> {
  const find = (c: WireClient) =>
    [...c.texts.values()].find(
      (t) => t.startsWith('{"type":"dashboard_patch"') && (JSON.parse(t) as { data: { version: number } }).data.version === version,
    );
  await until(() => clients.every((c) => find(c) !== undefined), 10_000, `every client to get the patch of version ${version}`);
  const texts = clients.map((c) => ({ name: c.name, text: find(c)! }));
  for (const t of texts) if (t.text !== texts[0]!.text) throw new Error(`${t.name} got ${t.text}\n${texts[0]!.name} got ${texts[0]!.text}`);
  return texts[0]!.text;
}

/** Creates a low risk (a change to the whole dashboard's figures) and returns the dashboard version once the feed has settled. */
export async function changeDashboard(base: string, token: string, title: string): Promise<number> {
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const made = await fetch(`${base}/api/v1/risks`, {
    method: "POST",
    headers,
    body: JSON.stringify({ title, severity: "low", likelihood: 0.1, impact: 0.1 }),
  });
  if (made.status !== 201) throw new Error(`POST /api/v1/risks: ${made.status}`);
  let version = 0;
  await until(
    async () => {
      const h = (await (await fetch(`${base}/api/ws/health`, { headers })).json()) as {
        broadcaster: { dashboard: { version: number; dirty: boolean; recomputing: boolean } };
      };
      version = h.broadcaster.dashboard.version;
      return !h.broadcaster.dashboard.dirty && !h.broadcaster.dashboard.recomputing;
    },
    15_000,
    "the dashboard feed to settle",
  );
  return version;
}
