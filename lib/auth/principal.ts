// Who is asking. Every entry point (route handlers, pages, Socket.IO handshakes, SSE) turns
// its request into a Principal with resolvePrincipal, so the rules are written once.
import { getToken } from "next-auth/jwt";
import type { ApiTokenService } from "./api-tokens";

export const ROLES = ["admin", "analyst"] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  userId: number;
  role: Role;
  name: string;
  email: string;
  via: "session" | "token";
}

export const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"] as const;

export interface Credentials {
  /** Parsed Cookie header. */
  cookies: Record<string, string | undefined>;
  /** An API token from `Authorization: Bearer`, `?token=` or Socket.IO `auth.token`. */
  apiToken?: string | null;
}

export async function resolvePrincipal(
  creds: Credentials,
  deps: { secret: string; tokens: ApiTokenService },
): Promise<Principal | null> {
  if (creds.apiToken) return deps.tokens.verify(creds.apiToken);
  // The cookie carries a __Secure- prefix when the site runs under HTTPS; accept either.
  // next-auth may split a large JWT into name.0, name.1 …; getToken reassembles the chunks.
  const cookieName = SESSION_COOKIES.find((n) => Object.keys(creds.cookies).some((k) => k === n || k.startsWith(`${n}.`)));
  if (!cookieName) return null;
  const jwt = await getToken({
    req: { cookies: creds.cookies as Record<string, string>, headers: {} } as never,
    secret: deps.secret,
    cookieName,
    secureCookie: cookieName.startsWith("__Secure-"),
  }).catch(() => null);
  if (!jwt || typeof jwt.uid !== "number" || !ROLES.includes(jwt.role as Role)) return null;
  return { userId: jwt.uid, role: jwt.role as Role, name: jwt.name ?? "", email: jwt.email ?? "", via: "session" };
}

/** Reads an API token from an Authorization header or a `token` query parameter. */
export function apiTokenFrom(authorization: string | null | undefined, url?: URL): string | null {
  const m = authorization?.match(/^Bearer\s+(\S+)$/i);
  return m?.[1] ?? url?.searchParams.get("token") ?? null;
}
