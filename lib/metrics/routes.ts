// The route table behind the HTTP metrics' `route` label, read from the app/ directory: every
// page and route handler becomes its URL pattern (`app/api/v1/risks/[id]/route.ts` →
// `/api/v1/risks/:id`, route groups dropped). A request is labelled with the pattern it matches,
// anything else with "other", so the number of series is bounded by the code, not the traffic.
import fs from "node:fs";
import path from "node:path";

const ENTRY = /^(page|route)\.(tsx?|jsx?|mjs)$/;
// Metadata files Next serves at their own URL (app/icon.svg → /icon.svg).
const METADATA = /^(icon|apple-icon|favicon|opengraph-image|twitter-image|robots|sitemap|manifest)\.[a-z]+$/;

type Segment = { kind: "static"; name: string } | { kind: "dynamic" } | { kind: "rest"; optional: boolean };

/** URL patterns of every page, route handler and metadata file under `appDir` (`/risks/:id`, `/api/x/:rest*`). */
export function appRoutePatterns(appDir: string): string[] {
  const out = new Set<string>();
  const walk = (dir: string, url: string[]) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory()) {
        const n = e.name;
        if (n.startsWith("_") || n.startsWith("@")) continue; // private folders, parallel-route slots
        if (n.startsWith("(") && n.endsWith(")")) walk(path.join(dir, n), url);
        else walk(path.join(dir, n), [...url, segmentPattern(n)]);
      } else if (ENTRY.test(e.name)) out.add("/" + url.join("/"));
      else if (METADATA.test(e.name)) out.add("/" + [...url, e.name].join("/"));
    }
  };
  walk(appDir, []);
  return [...out].sort();
}

function segmentPattern(name: string): string {
  const optionalRest = /^\[\[\.\.\.(.+)\]\]$/.exec(name);
  if (optionalRest) return `:${optionalRest[1]}*`;
  const rest = /^\[\.\.\.(.+)\]$/.exec(name);
  if (rest) return `:${rest[1]}+`;
  const dynamic = /^\[(.+)\]$/.exec(name);
  return dynamic ? `:${dynamic[1]}` : name;
}

function parse(pattern: string): Segment[] {
  return pattern
    .split("/")
    .filter(Boolean)
    .map((s): Segment => {
      if (s.startsWith(":") && (s.endsWith("*") || s.endsWith("+"))) return { kind: "rest", optional: s.endsWith("*") };
      if (s.startsWith(":")) return { kind: "dynamic" };
      return { kind: "static", name: s };
    });
}

function matches(segs: Segment[], parts: string[]): boolean {
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]!;
    if (s.kind === "rest") return s.optional || parts.length > i;
    if (i >= parts.length) return false;
    if (s.kind === "static" && s.name !== parts[i]) return false;
  }
  return parts.length === segs.length;
}

// Next's precedence, segment by segment: a static name before a dynamic segment before a catch-all.
const RANK = { static: 0, dynamic: 1, rest: 2 } as const;
function compare(a: Segment[], b: Segment[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (!x || !y) return x ? 1 : -1;
    if (RANK[x.kind] !== RANK[y.kind]) return RANK[x.kind] - RANK[y.kind];
  }
  return 0;
}

/**
 * A labeller for the `route` label: the pattern a path matches, `/_next/*` for Next's own assets,
 * "other" for everything else.
 *
 * @example
 * const label = createRouteLabeler(["/risks/:id", "/api/v1/risks/:id"]);
 * label("/risks/42?tab=x"); // "/risks/:id"
 * label("/x123"); // "other"
 */
export function createRouteLabeler(patterns: readonly string[]): (url: string) => string {
  const table = patterns.map((p) => ({ pattern: p, segs: parse(p) })).sort((a, b) => compare(a.segs, b.segs));
  return (url: string) => {
    const p = url.split(/[?#]/)[0]!;
    if (p.startsWith("/_next/")) return "/_next/*";
    const parts = p.split("/").filter(Boolean);
    for (const r of table) if (matches(r.segs, parts)) return r.pattern;
    return "other";
  };
}
