// The HTTP metrics' route label: the pattern of the app/ route a path matches, "other" for the
// rest, so anonymous traffic to made-up paths cannot create new series.
import assert from "node:assert/strict";
import path from "node:path";
import { describe, it } from "node:test";
import { appRoutePatterns, createRouteLabeler } from "../../lib/metrics/routes";
import { httpLabeler } from "../../lib/metrics/registry";

describe("metrics route labels", () => {
  const patterns = appRoutePatterns(path.join(process.cwd(), "app"));

  it("reads every page and route handler from app/, route groups dropped, dynamic segments as :name", () => {
    for (const p of ["/dashboard", "/risks", "/risks/:id", "/api/v1/risks/:id", "/api/v1/quotas/stats", "/api/auth/:nextauth+", "/login"])
      assert.ok(patterns.includes(p), `${p} missing from ${patterns.join(" ")}`);
    assert.ok(!patterns.some((p) => p.includes("(")), "a route group leaked into a pattern");
  });

  it("labels a path with the route it matches, a static segment before a dynamic one", () => {
    const label = createRouteLabeler(patterns);
    assert.equal(label("/api/v1/risks/42"), "/api/v1/risks/:id");
    assert.equal(label("/api/v1/risks/42?x=1"), "/api/v1/risks/:id");
    assert.equal(label("/api/v1/quotas/stats"), "/api/v1/quotas/stats");
    assert.equal(label("/api/v1/quotas/7"), "/api/v1/quotas/:id");
    assert.equal(label("/risks/999999"), "/risks/:id");
    assert.equal(label("/api/auth/callback/credentials"), "/api/auth/:nextauth+");
    assert.equal(label("/"), "/");
    assert.equal(label("/_next/static/chunks/x.js"), "/_next/*");
  });

  it("labels every path no route serves 'other', whatever it looks like", () => {
    const label = createRouteLabeler(patterns);
    for (const p of ["/x1", "/x2/y", "/api/v1/nope", "/api/v1/risks/1/2", "/risks/1/extra", "/%ff", "/" + "a".repeat(70)])
      assert.equal(label(p), "other", p);
  });

  it("keeps the method label to the methods served", () => {
    const labels = httpLabeler(path.join(process.cwd(), "app"));
    assert.deepEqual(labels("/api/v1/risks/3", "GET", 200), { route: "/api/v1/risks/:id", method: "GET", status: "200" });
    assert.equal(labels("/", "PROPFIND", 405).method, "other");
  });

  it("matches optional and required catch-alls as Next does", () => {
    const label = createRouteLabeler(["/docs/:slug*", "/files/:path+", "/files/index"]);
    assert.equal(label("/docs"), "/docs/:slug*");
    assert.equal(label("/docs/a/b"), "/docs/:slug*");
    assert.equal(label("/files"), "other");
    assert.equal(label("/files/index"), "/files/index");
    assert.equal(label("/files/a/b"), "/files/:path+");
  });
});
