// Checks every HTTP request before Next sees it, for what Next would answer badly: methods we do
// not serve (TRACE → 405, not a 500), paths that do not decode (`%ff` → 400, not a plain-text
// 500), bodies over MAX_BODY_BYTES (413), and plain GETs of the WebSocket-only paths (426).
// While draining, every response closes its connection so clients move elsewhere.
//
// Bodies are bounded while they arrive, on every route (next-auth's included): a body is held
// here, counted chunk by chunk as the socket delivers it, and handed to Next only once it has
// ended within the limit. At the limit the request is answered 413 and its connection closed;
// Next never sees it, so an anonymous client cannot make the server buffer more than the limit.
import type { IncomingMessage, ServerResponse } from "node:http";
import { plainWebSocketChannel } from "../contract/channels";
import type { RestCode } from "../contract/codes";
import { restError } from "../contract/rest-error";

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** After a 413 the client gets this long to read it before its connection is cut (it may still be sending). */
const LINGER_MS = 2_000;

function reply(res: ServerResponse, status: number, error: string, code: RestCode, headers: Record<string, string> = {}) {
  const body = JSON.stringify(restError(error, { code }));
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(body)),
    "cache-control": "no-store",
    ...headers,
  });
  res.end(body);
}

/**
 * Answers 413 and ends the connection. Connection: close goes out with the headers (a connection
 * kept alive would have to read the rest of the body). The client may still be sending: closing
 * the socket outright would reset it, and a reset can destroy the 413 before the client reads it.
 * So the server's side is ended first, and what still arrives is read and dropped (nothing is
 * buffered) until the client closes too, or for LINGER_MS at most.
 */
function tooLarge(req: IncomingMessage, res: ServerResponse, limit: number) {
  const socket = req.socket;
  // Node calls destroySoon() once a response that closes its connection has been written.
  socket.destroySoon = () => {
    socket.end();
    const cut = setTimeout(() => socket.destroy(), LINGER_MS);
    cut.unref();
    socket.once("close", () => clearTimeout(cut));
  };
  reply(res, 413, `request body too large: at most ${limit} bytes`, "payload_too_large", { connection: "close" });
  req.resume(); // the rest of the body, read and dropped
}

/**
 * Holds the request body as the socket delivers it (the HTTP parser pushes each chunk into the
 * request stream) and calls `proceed` once it ended within `limit`, with the chunks handed back
 * to the stream untouched; past the limit, calls `overflow` instead and drops the rest.
 */
function bufferBody(req: IncomingMessage, limit: number, proceed: () => void, overflow: () => void) {
  const push = req.push.bind(req);
  let chunks: Buffer[] | null = [];
  let total = 0;
  req.push = (chunk: unknown, encoding?: BufferEncoding) => {
    if (chunks === null) return true; // over the limit: dropped
    if (chunk === null) {
      const held = chunks;
      chunks = null;
      req.push = push;
      for (const c of held) push(c);
      const more = push(null, encoding);
      proceed();
      return more;
    }
    const buf = chunk as Buffer;
    total += buf.byteLength;
    if (total > limit) {
      chunks = null;
      req.push = push;
      overflow();
      return true;
    }
    chunks.push(buf);
    return true; // always: the parser keeps reading, and what it reads is bounded by the limit
  };
  // A client that goes away mid-body leaves nothing to answer.
  req.once("close", () => (chunks = null));
}

/**
 * The request guard: answers what must not reach Next, and otherwise calls `proceed` — at once
 * for a request without a body, once the body has arrived (within MAX_BODY_BYTES) for the rest.
 *
 * @example
 * const guard = createRequestGuard({ maxBodyBytes: 1 << 20, draining: () => false });
 * server.on("request", (req, res) => guard(req, res, () => void handle(req, res)));
 */
export function createRequestGuard(opts: { maxBodyBytes: number; draining: () => boolean }) {
  return (req: IncomingMessage, res: ServerResponse, proceed: () => void): void => {
    if (opts.draining()) res.setHeader("connection", "close");
    if (!METHODS.has(req.method ?? "")) {
      reply(res, 405, `method ${String(req.method).slice(0, 16)} not allowed`, "method_not_allowed", {
        allow: [...METHODS].join(", "),
      });
      return;
    }
    const path = (req.url ?? "/").split("?")[0]!;
    try {
      decodeURIComponent(path);
    } catch {
      reply(res, 400, "malformed URL encoding in the path", "bad_path");
      return;
    }
    if (plainWebSocketChannel(req.url) && req.headers.upgrade?.toLowerCase() !== "websocket") {
      reply(res, 426, "this endpoint speaks WebSocket only", "upgrade_required", { upgrade: "websocket" });
      return;
    }
    const announced = req.headers["content-length"];
    const length = Number(announced ?? 0);
    if (!Number.isFinite(length) || length > opts.maxBodyBytes) {
      tooLarge(req, res, opts.maxBodyBytes); // before a byte of it is read
      return;
    }
    const hasBody = req.headers["transfer-encoding"] !== undefined || length > 0;
    if (!hasBody || req.complete) {
      proceed();
      return;
    }
    bufferBody(req, opts.maxBodyBytes, proceed, () => tooLarge(req, res, opts.maxBodyBytes));
  };
}
