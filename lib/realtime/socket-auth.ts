// Socket.IO handshake authentication. next-auth's getToken only reads req.cookies, so the
// Cookie header is parsed here. A cookie-authenticated handshake must come from our own
// origin (cross-site WebSocket hijacking); token clients may connect from anywhere.
import { parse as parseCookie } from "cookie";
import type { Socket } from "socket.io";
import { resolvePrincipal, type Principal, type Role } from "../auth/principal";
import type { AppContext } from "../context";

export type AuthedSocket = Socket & { data: { principal: Principal } };

type SocketError = Error & { data?: { code: number; error: string } };
function refusal(code: 401 | 403 | 503, error: string): SocketError {
  return Object.assign(new Error(error), { data: { code, error } });
}

function sameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (!origin) return true; // non-browser clients send no Origin
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

export function authenticateSocket(app: Pick<AppContext, "secret" | "tokens" | "log">) {
  return async (socket: Socket, next: (err?: Error) => void) => {
    const { headers, auth, query } = socket.handshake;
    const authToken = typeof auth?.token === "string" ? auth.token : undefined;
    const bearer = headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
    const queryToken = typeof query.token === "string" ? query.token : undefined;
    const apiToken = authToken ?? bearer ?? queryToken ?? null;
    try {
      if (!apiToken && !sameOrigin(headers.origin, headers.host)) {
        return next(refusal(403, "forbidden: cross-origin session handshake"));
      }
      const principal = await resolvePrincipal({ cookies: parseCookie(headers.cookie ?? ""), apiToken }, app);
      if (!principal) return next(refusal(401, "unauthorized: sign in or pass a valid API token"));
      socket.data.principal = principal;
      next();
    } catch (err) {
      app.log.error({ err }, "socket authentication failed");
      next(refusal(503, "authentication unavailable, retry shortly"));
    }
  };
}

export function requireRole(role: Role) {
  return (socket: Socket, next: (err?: Error) => void) => {
    const principal = (socket as AuthedSocket).data.principal;
    if (principal?.role === role) return next();
    next(refusal(403, `forbidden: the ${socket.nsp.name} channel is for ${role}s only`));
  };
}

export { refusal };
