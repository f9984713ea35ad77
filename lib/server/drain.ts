// Graceful shutdown of the HTTP server. Stop accepting new connections at once; keep the open
// ones for DRAIN_MS, answering each request on them with `Connection: close` (closing an idle
// keep-alive connection right away resets the request its client may be sending on it this very
// moment); let in-flight requests finish; then close what is idle, and after the timeout,
// everything. Resolves when no connection is left.
import type { Server as HttpServer } from "node:http";
import net from "node:net";

export function trackRequests(server: HttpServer) {
  let active = 0;
  const idleWaiters: (() => void)[] = [];
  server.on("request", (_req, res) => {
    active++;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      if (--active === 0) idleWaiters.splice(0).forEach((w) => w());
    };
    res.once("finish", finish);
    res.once("close", finish);
  });
  return {
    /** Resolves when no request is in flight. */
    idle(): Promise<void> {
      return active === 0 ? Promise.resolve() : new Promise((r) => idleWaiters.push(r));
    },
  };
}

export async function drainHttp(
  server: HttpServer,
  requests: ReturnType<typeof trackRequests>,
  opts: { drainMs: number; timeoutMs: number },
) {
  // net.Server's close, not http.Server's: the latter also closes idle keep-alive connections now.
  const closed = new Promise<void>((resolve) => net.Server.prototype.close.call(server, () => resolve()));
  const deadline = Date.now() + opts.timeoutMs;
  await new Promise((r) => setTimeout(r, opts.drainMs));
  await Promise.race([requests.idle(), new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())))]);
  server.closeIdleConnections();
  const force = setTimeout(() => server.closeAllConnections(), Math.max(0, deadline - Date.now()));
  await closed;
  clearTimeout(force);
}
