// Where and as whom a client connects. In the app's pages: the page's own origin and its session
// cookie (nothing to set). Elsewhere (Node, another site's page): the server's URL and an API
// token (sent as `Authorization: Bearer`, or in the Socket.IO handshake) or a session cookie.
export interface Endpoint {
  /** The server's origin, e.g. "https://risk.example.com"; "" for the page's own. */
  url: string;
  /** Headers for every HTTP request (polling, SSE read with fetch, REST refresh). */
  headers: Record<string, string>;
  /** An API token: also sent in the Socket.IO handshake (`auth.token`). */
  token?: string;
  /** Dashboard sections to receive (Socket.IO `auth.sections`, SSE and polling `?sections=`); all when unset. */
  sections?: readonly string[];
  /** Dashboard: also follow this risk's messages (Socket.IO `auth.risk`, SSE and polling `?risk=`). */
  risk?: number;
}

export const SAME_ORIGIN: Endpoint = { url: "", headers: {} };

/** The endpoint for a server URL and a credential (an API token or a `Cookie` header value). */
export function endpoint(opts: { url?: string; token?: string; cookie?: string; sections?: readonly string[]; risk?: number }): Endpoint {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.cookie) headers.cookie = opts.cookie;
  return { url: (opts.url ?? "").replace(/\/+$/, ""), headers, token: opts.token, sections: opts.sections, risk: opts.risk };
}

/** `url + path` with the query parameters that are set. */
export function href(ep: Endpoint, path: string, query: Record<string, string | null | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v != null) q.set(k, v);
  if (ep.sections?.length) q.set("sections", ep.sections.join(","));
  if (ep.risk !== undefined) q.set("risk", String(ep.risk));
  const s = q.toString();
  return `${ep.url}${path}${s ? `?${s}` : ""}`;
}
