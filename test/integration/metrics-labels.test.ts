// The HTTP metrics stay bounded whatever anonymous clients ask for: thousands of made-up paths
// add no series (they all count under route="other"), while a real route is labelled with its
// pattern.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { appRoutePatterns } from "../../lib/metrics/routes";
import { ADMIN, call, login } from "../support/http";
import { startServer, type TestServer } from "../support/server";

const METRICS_TOKEN = "scrape-secret-0123456789abcdef";
const HISTOGRAM = "riskpulse_http_request_duration_seconds";

/** `{route, method, status}` → request count, from the histogram's _count samples. */
async function httpSeries(base: string): Promise<Map<string, number>> {
  const res = await fetch(`${base}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  assert.equal(res.status, 200);
  const series = new Map<string, number>();
  for (const line of (await res.text()).split("\n")) {
    const m = new RegExp(`^${HISTOGRAM}_count\\{(.*)\\} (\\S+)$`).exec(line);
    if (m) series.set(m[1]!, Number(m[2]));
  }
  return series;
}

const routeOf = (labels: string) => /route="((?:[^"\\]|\\.)*)"/.exec(labels)?.[1];

describe("metrics labels", () => {
  let srv: TestServer;
  before(async () => {
    srv = await startServer({ env: { METRICS_TOKEN } });
  });
  after(() => srv?.stop());

  it('counts thousands of unknown paths under route="other" without adding series', async () => {
    const beforeSeries = await httpSeries(srv.url);
    const N = 3000;
    const paths = Array.from(
      { length: N },
      (_, i) => [`/x${i}`, `/api/v1/x${i}`, `/risks/${i}/y${i}`, `/api/auth/x${i}`, `/a/${i}/b/${i}`][i % 5]!,
    );
    for (let i = 0; i < N; i += 50)
      await Promise.all(paths.slice(i, i + 50).map((p) => fetch(`${srv.url}${p}`, { redirect: "manual" }).then((r) => r.arrayBuffer())));
    const afterSeries = await httpSeries(srv.url);
    const added = [...afterSeries.keys()].filter((k) => !beforeSeries.has(k));
    console.log(`http series: ${beforeSeries.size} before, ${afterSeries.size} after ${N} unknown paths; new: ${added.join(" | ")}`);
    assert.ok(added.length <= 10, `${added.length} new series: ${added.slice(0, 20).join(" | ")}`);
    const allowed = new Set([...appRoutePatterns(path.join(process.cwd(), "app")), "other", "/_next/*"]);
    for (const k of afterSeries.keys()) assert.ok(allowed.has(routeOf(k) ?? ""), `route label outside the app's routes: ${k}`);
    const other = [...afterSeries].filter(([k]) => routeOf(k) === "other").reduce((n, [, v]) => n + v, 0);
    // All but the /api/auth/… ones, which next-auth's catch-all serves (and labels).
    const unmatched = paths.filter((p) => !p.startsWith("/api/auth/")).length;
    assert.ok(other >= unmatched, `${other} requests under route="other", ${unmatched} sent to paths no route serves`);
  });

  it("labels a real route with its pattern", async () => {
    const admin = { cookie: await login(srv.url, ADMIN) };
    const { body } = await call(srv.url, admin, "GET", "/api/v1/risks?page_size=1");
    const id = (body as { items: { id: number }[] }).items[0]!.id;
    assert.equal((await call(srv.url, admin, "GET", `/api/v1/risks/${id}`)).status, 200);
    const series = await httpSeries(srv.url);
    assert.ok(
      [...series.keys()].some((k) => k.includes('route="/api/v1/risks/:id"') && k.includes('method="GET"') && k.includes('status="200"')),
      [...series.keys()].join("\n"),
    );
  });
});
