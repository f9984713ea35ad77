// Facts about where a request came from, read the same way for route handlers (Web Headers)
// and raw upgrades (Node headers). Forwarded headers are believed only with TRUST_PROXY=1:
// anyone can send them, so only a proxy we run may set them.
import type { IncomingHttpHeaders } from "node:http";

export type HeaderSource = Headers | IncomingHttpHeaders;

export function header(h: HeaderSource, name: string): string | null {
  if (typeof (h as Headers).get === "function") return (h as Headers).get(name);
  const v = (h as IncomingHttpHeaders)[name];
  return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
}

const first = (v: string | null) => v?.split(",")[0]?.trim() || null;

/** The request reached us over TLS (at our proxy, when it is trusted). */
export function isSecureRequest(h: HeaderSource, trustProxy: boolean): boolean {
  return trustProxy && first(header(h, "x-forwarded-proto"))?.toLowerCase() === "https";
}

/** The client's address: the proxy's X-Forwarded-For first hop when trusted, else the peer. */
export function clientAddress(h: HeaderSource, peer: string | undefined, trustProxy: boolean): string {
  return (trustProxy ? first(header(h, "x-forwarded-for")) : null) ?? peer ?? "unknown";
}

/** The origins this site is reached under: the configured public URL, and the request's own host. */
function ownOrigins(h: HeaderSource, publicOrigin: string, trustProxy: boolean): string[] {
  const host = (trustProxy ? first(header(h, "x-forwarded-host")) : null) ?? header(h, "host");
  const scheme = isSecureRequest(h, trustProxy) ? "https" : "http";
  return host ? [publicOrigin, `${scheme}://${host}`] : [publicOrigin];
}

/**
 * May a request carrying ambient credentials (the session cookie) change state? Browsers send
 * Sec-Fetch-Site and Origin on every cross-site request: anything they mark cross-site, or an
 * Origin that is not ours, is refused. A client sending neither is not a browser, so no other
 * site can have made it send our cookie.
 */
export function isSameOrigin(h: HeaderSource, publicOrigin: string, trustProxy: boolean): boolean {
  const site = header(h, "sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return false;
  const origin = header(h, "origin");
  if (!origin) return true;
  if (origin === "null") return false;
  return ownOrigins(h, publicOrigin, trustProxy).includes(origin);
}

/**
 * Where to send the browser after sign-in: the target resolved against our origin, kept only if
 * it stays on it (`/\evil.com`, `//evil.com`, `https://evil.com` and friends all resolve
 * elsewhere); anything else goes to the dashboard.
 */
export function safeRedirectPath(target: string | null | undefined, origin: string, fallback = "/dashboard"): string {
  if (!target) return fallback;
  try {
    const url = new URL(target, origin);
    if (url.origin !== new URL(origin).origin) return fallback;
    return `${url.pathname}${url.search}${url.hash}` || fallback;
  } catch {
    return fallback;
  }
}
