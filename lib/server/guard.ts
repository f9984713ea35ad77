// Checks every HTTP request before Next sees it, for what Next would answer badly: methods we do
// not serve (TRACE → 405, not a 500), paths that do not decode (`%ff` → 400, not a plain-text
// 500), bodies over MAX_BODY_BYTES announced by Content-Length (413 before a byte is read; route
// handlers also cut chunked bodies at the limit), and plain GETs of the WebSocket-only paths (426).
// While draining, every response closes its connection so clients move elsewhere.
import type { IncomingMessage, ServerResponse } from "node:http";
import { plainWebSocketPath } from "../realtime/transports/websocket";

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

function reply(res: ServerResponse, status: number, error: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", ...headers });
  res.end(JSON.stringify({ error }));
}

export function createRequestGuard(opts: { maxBodyBytes: number; draining: () => boolean }) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (opts.draining()) res.setHeader("connection", "close");
    if (!METHODS.has(req.method ?? "")) {
      reply(res, 405, `method ${String(req.method).slice(0, 16)} not allowed`, { allow: [...METHODS].join(", ") });
      return false;
    }
    const path = (req.url ?? "/").split("?")[0]!;
    try {
      decodeURIComponent(path);
    } catch {
      reply(res, 400, "malformed URL encoding in the path");
      return false;
    }
    const length = Number(req.headers["content-length"] ?? 0);
    if (!Number.isFinite(length) || length > opts.maxBodyBytes) {
      reply(res, 413, `request body too large: at most ${opts.maxBodyBytes} bytes`);
      req.resume(); // discard what is already on its way; the connection then closes
      res.setHeader("connection", "close");
      return false;
    }
    if (plainWebSocketPath(req.url) && req.headers.upgrade?.toLowerCase() !== "websocket") {
      reply(res, 426, "this endpoint speaks WebSocket only", { upgrade: "websocket" });
      return false;
    }
    return true;
  };
}
