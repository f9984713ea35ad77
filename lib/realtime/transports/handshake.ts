// Authenticating a live connection at its handshake (Socket.IO, plain WebSocket, SSE): an API
// token from the socket's auth, `Authorization: Bearer` or `?token=`, else the session cookie —
// which is accepted only from our own origin (cross-site WebSocket hijacking: a page elsewhere
// could open a socket that carries our cookie). The result keeps a re-check, so the registry
// can ask again whether the credential still holds for as long as the connection lives.
import { parse as parseCookie } from "cookie";
import { resolvePrincipal, type AuthDeps, type AuthResult, type Credentials, type Principal } from "../../auth/principal";
import type { Config } from "../../config";
import { header, isSameOrigin, type HeaderSource } from "../../http/request-facts";
import type { Code } from "../../contract/codes";

export type Handshake = { ok: true; principal: Principal; recheck: () => Promise<AuthResult> } | { ok: false; code: Code; error?: string };

/**
 * Who opens a live connection: an API token (socket auth, Bearer header or `?token=`) or the
 * session cookie, the cookie only from our own origin (else `cross_origin`). Never throws: an
 * auth store that fails is `unavailable`. The result's `recheck` asks again later.
 */
export async function authenticateHandshake(
  input: { headers: HeaderSource; queryToken?: string | null; authToken?: string | null },
  deps: { auth: AuthDeps; config: Pick<Config, "publicOrigin" | "TRUST_PROXY"> },
): Promise<Handshake> {
  const bearer = header(input.headers, "authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
  const apiToken = input.authToken || bearer || input.queryToken || null;
  if (!apiToken && !isSameOrigin(input.headers, deps.config.publicOrigin, deps.config.TRUST_PROXY))
    return { ok: false, code: "cross_origin" };
  const creds: Credentials = { cookies: parseCookie(header(input.headers, "cookie") ?? ""), apiToken };
  try {
    const r = await resolvePrincipal(creds, deps.auth);
    if (!r.ok) return r;
    return { ok: true, principal: r.principal, recheck: () => resolvePrincipal(creds, deps.auth) };
  } catch {
    return { ok: false, code: "unavailable", error: "authentication unavailable, retry shortly" };
  }
}
