// Facts about where a request came from, read the same way for route handlers (Web Headers)
// and raw upgrades (Node headers). Forwarded headers are believed only behind TRUST_PROXY
// proxies we run, and only the entries those proxies added: anyone can send the headers, and a
// proxy that appends (nginx's $proxy_add_x_forwarded_for) keeps whatever the client put first.
import type { IncomingHttpHeaders } from "node:http";
import net from "node:net";

export type HeaderSource = Headers | IncomingHttpHeaders;

export function header(h: HeaderSource, name: string): string | null {
  if (typeof (h as Headers).get === "function") return (h as Headers).get(name);
  const v = (h as IncomingHttpHeaders)[name];
  return Array.isArray(v) ? v.join(", ") : (v ?? null);
}

/** How many proxies of ours stand in front (TRUST_PROXY); `true` reads as one. */
type Hops = number | boolean;
const hopsOf = (trustProxy: Hops) => (trustProxy === true ? 1 : trustProxy === false ? 0 : Math.max(0, Math.floor(trustProxy)));

/**
 * The entry our outermost proxy wrote, in a list each of our `hops` proxies appended to (or set):
 * the right-most `hops` entries are ours, anything left of them came from the client. A list
 * shorter than that went through fewer proxies: its first entry is still one of ours.
 */
function trusted(v: string | null, hops: number): string | null {
  if (!v || hops === 0) return null;
  const list = v.split(",").map((s) => s.trim());
  return list[Math.max(0, list.length - hops)] || null;
}

/** The request reached us over TLS (at our proxy, when it is trusted). */
export function isSecureRequest(h: HeaderSource, trustProxy: Hops): boolean {
  return trusted(header(h, "x-forwarded-proto"), hopsOf(trustProxy))?.toLowerCase() === "https";
}

/** An address as written in a header or by the socket: `[v6]:port`, `v4:port`, `::ffff:v4` → the bare address, or null. */
export function normalizeAddress(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let a = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracketed) a = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(":"));
  a = a.replace(/%.*$/, ""); // zone id
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  if (mapped) a = mapped[1]!;
  if (net.isIPv4(a)) return a;
  return net.isIPv6(a) ? a.toLowerCase() : null;
}

/** The eight groups of an IPv6 address, `::` expanded. */
function groupsOf(v6: string): number[] {
  let s = v6;
  const tail4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (tail4) {
    const [a, b, c, d] = tail4[1]!.split(".").map(Number) as [number, number, number, number];
    s = `${s.slice(0, -tail4[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = s.split("::") as [string, string | undefined];
  const part = (x: string) => (x ? x.split(":").map((g) => parseInt(g, 16)) : []);
  const h = part(head);
  if (rest === undefined) return h;
  const t = part(rest);
  return [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
}

/**
 * What throttling counts per: an IPv4 address, or an IPv6 address's /64 (one subscriber is
 * routinely handed a whole /64, so its single addresses are free to rotate).
 */
export function addressKey(address: string): string {
  const a = normalizeAddress(address);
  if (!a) return address;
  if (net.isIPv4(a)) return a;
  const g = groupsOf(a);
  return `${g
    .slice(0, 4)
    .map((x) => x.toString(16))
    .join(":")}::/64`;
}

/**
 * The client's address: with `trustProxy` proxies in front, the X-Forwarded-For entry the
 * outermost of them added (the right-most one the client could not have written); else the
 * peer. An entry that is not an address means a proxy we do not know of: the peer it is.
 */
export function clientAddress(h: HeaderSource, peer: string | undefined, trustProxy: Hops): string {
  const peerAddr = normalizeAddress(peer) ?? peer ?? "unknown";
  return normalizeAddress(trusted(header(h, "x-forwarded-for"), hopsOf(trustProxy))) ?? peerAddr;
}

/** The origins this site is reached under: the configured public URL, and the request's own host. */
function ownOrigins(h: HeaderSource, publicOrigin: string, trustProxy: Hops): string[] {
  const host = trusted(header(h, "x-forwarded-host"), hopsOf(trustProxy)) ?? header(h, "host");
  const scheme = isSecureRequest(h, trustProxy) ? "https" : "http";
  return host ? [publicOrigin, `${scheme}://${host}`] : [publicOrigin];
}

/**
 * May a request carrying ambient credentials (the session cookie) change state? Browsers send
 * Sec-Fetch-Site and Origin on every cross-site request: anything they mark cross-site, or an
 * Origin that is not ours, is refused. A client sending neither is not a browser, so no other
 * site can have made it send our cookie.
 */
export function isSameOrigin(h: HeaderSource, publicOrigin: string, trustProxy: Hops): boolean {
  const site = header(h, "sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return false;
  const origin = header(h, "origin");
  if (!origin) return true;
  if (origin === "null") return false;
  return ownOrigins(h, publicOrigin, trustProxy).includes(origin);
}

/**
 * Where to send the browser after sign-in or sign-out: the target resolved to an absolute URL
 * against our origin and kept only if it has that origin (`/\evil.com`, `//evil.com`,
 * `https://evil.com` all resolve elsewhere), then returned as a path whose leading slashes are
 * collapsed to one: dot segments (`/.//evil.com`, `/%2e//evil.com`) resolve to a path starting
 * with `//`, which a browser would read as another host. Anything else goes to the dashboard.
 */
export function safeRedirectPath(target: string | null | undefined, origin: string, fallback = "/dashboard"): string {
  if (!target) return fallback;
  try {
    const url = new URL(target, origin);
    if (url.origin !== new URL(origin).origin) return fallback;
    return `/${url.pathname.replace(/^[/\\]+/, "")}${url.search}${url.hash}`;
  } catch {
    return fallback;
  }
}
