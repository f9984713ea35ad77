// Who is asking. Every entry point (route handlers, pages, Socket.IO and WebSocket handshakes,
// SSE, and the periodic re-check of live connections) turns its credentials into a Principal
// here, so the rules are written once: an API token must exist, be unrevoked, not expired and
// belong to an enabled user (it acts as that user, who created it); a session cookie must decrypt, name a session that is neither revoked nor
// expired, and belong to an enabled user — whose role is read from the directory, not the JWT.
import "server-only";
import crypto from "node:crypto";
import { getToken } from "next-auth/jwt";
import type { Code } from "../contract/codes";
import type { AuthDirectory } from "./directory";
import type { Role } from "../domain/roles";

export { ROLES, type Role } from "../domain/roles";

export interface Principal {
  userId: number;
  role: Role;
  name: string;
  email: string;
  via: "session" | "token";
  tokenId?: number;
  sessionId?: string;
  /** When the credential stops being valid by itself (sessions, tokens with an expiry), epoch ms. */
  expiresAt?: number;
}

export type AuthResult = { ok: true; principal: Principal } | { ok: false; code: Code };

export const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"] as const;
export const TOKEN_PREFIX = "rp_";

export interface Credentials {
  /** Parsed Cookie header. */
  cookies: Record<string, string | undefined>;
  /** An API token from `Authorization: Bearer`, a socket's `auth.token` or (live handshakes only) `?token=`. */
  apiToken?: string | null;
}

export interface AuthDeps {
  secret: string;
  directory: AuthDirectory;
  now?: () => number;
  /** Told when a token is used (at most once a minute per token), to record last use. */
  onTokenUse?: (tokenId: number) => void;
}

/** The hex SHA-256 of an API token: the only form tokens are stored and looked up in. */
export const sha256 = (s: string) => crypto.createHash("sha256").update(s).digest("hex");
const LAST_USED_RESOLUTION_MS = 60_000;

async function viaToken(secret: string, deps: AuthDeps): Promise<AuthResult> {
  if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 100) return { ok: false, code: "unauthorized" };
  const t = await deps.directory.token(sha256(secret));
  if (!t) return { ok: false, code: "unauthorized" };
  if (t.revoked) return { ok: false, code: "token_revoked" };
  const user = await deps.directory.user(t.userId);
  if (!user) return { ok: false, code: "token_revoked" };
  if (user.disabled) return { ok: false, code: "account_disabled" };
  const now = deps.now?.() ?? Date.now();
  if (t.expiresAt !== null && t.expiresAt <= now) return { ok: false, code: "token_expired" };
  if (deps.onTokenUse && (t.lastUsedAt === null || now - t.lastUsedAt > LAST_USED_RESOLUTION_MS)) {
    t.lastUsedAt = now; // the cached record: one write a minute, not one per request
    deps.onTokenUse(t.id);
  }
  return {
    ok: true,
    principal: {
      userId: user.id,
      role: user.role,
      name: user.name,
      email: user.email,
      via: "token",
      tokenId: t.id,
      ...(t.expiresAt !== null ? { expiresAt: t.expiresAt } : {}),
    },
  };
}

async function viaSession(cookies: Credentials["cookies"], deps: AuthDeps): Promise<AuthResult> {
  // The cookie carries a __Secure- prefix when the request came over HTTPS; accept either.
  // next-auth may split a large JWT into name.0, name.1 …; getToken reassembles the chunks.
  const cookieName = SESSION_COOKIES.find((n) => Object.keys(cookies).some((k) => k === n || k.startsWith(`${n}.`)));
  if (!cookieName) return { ok: false, code: "unauthorized" };
  const jwt = await getToken({
    req: { cookies: cookies as Record<string, string>, headers: {} } as never,
    secret: deps.secret,
    cookieName,
    secureCookie: cookieName.startsWith("__Secure-"),
  }).catch(() => null);
  if (!jwt || typeof jwt.uid !== "number" || typeof jwt.sid !== "string") return { ok: false, code: "unauthorized" };
  const session = await deps.directory.session(jwt.sid);
  if (!session || session.userId !== jwt.uid) return { ok: false, code: "session_ended" };
  const user = await deps.directory.user(session.userId);
  if (!user) return { ok: false, code: "session_ended" };
  // The cause before its consequence: disabling a user also revokes their sessions.
  if (user.disabled) return { ok: false, code: "account_disabled" };
  if (session.revoked) return { ok: false, code: "session_ended" };
  const now = deps.now?.() ?? Date.now();
  if (session.expiresAt <= now) return { ok: false, code: "session_expired" };
  return {
    ok: true,
    principal: {
      userId: user.id,
      role: user.role,
      name: user.name,
      email: user.email,
      via: "session",
      sessionId: session.id,
      expiresAt: session.expiresAt,
    },
  };
}

/**
 * Who is asking: the API token when there is one, else the session cookie — checked against the
 * directory (revoked, expired, disabled) on every call, so a changed credential fails at once.
 */
export async function resolvePrincipal(creds: Credentials, deps: AuthDeps): Promise<AuthResult> {
  if (creds.apiToken) return viaToken(creds.apiToken, deps);
  return viaSession(creds.cookies, deps);
}

/**
 * Reads an API token from an Authorization header, or from a `token` query parameter when `url`
 * is given — which only live handshakes (SSE, WebSocket) do: a browser's EventSource and
 * WebSocket cannot set a header, and everywhere else a token in the URL would only end up in
 * access logs and Referer headers.
 */
export function apiTokenFrom(authorization: string | null | undefined, url?: URL): string | null {
  const m = authorization?.match(/^Bearer\s+(\S+)$/i);
  return m?.[1] ?? url?.searchParams.get("token") ?? null;
}

/** The refusal of a `?token=` where it is not accepted (every REST route but the SSE streams). */
export const TOKEN_IN_QUERY = {
  code: "token_in_query",
  error: "?token= is accepted only on the SSE and WebSocket handshakes: send the token as Authorization: Bearer <token>",
} as const;
