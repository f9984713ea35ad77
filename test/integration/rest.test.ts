// REST through the running production server: auth, validation, CRUD, tokens.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startServer, type TestServer } from "../support/server";
import { ADMIN, ANALYST, call, login, type Auth } from "../support/http";

describe("REST API", () => {
  let srv: TestServer;
  let admin: Auth, analyst: Auth;
  before(async () => {
    srv = await startServer();
    admin = { cookie: await login(srv.url, ADMIN) };
    analyst = { cookie: await login(srv.url, ANALYST) };
  });
  after(async () => {
    const code = await srv?.stop();
    assert.equal(code, 0, "server exits cleanly on SIGTERM");
  });

  it("requires a signed-in user or token on every API route, and sends pages to /login", async () => {
    for (const path of ["/api/v1/dashboard", "/api/v1/risks", "/api/v1/risks/1", "/api/v1/mitigations", "/api/v1/me"]) {
      const r = await call(srv.url, null, "GET", path);
      assert.equal(r.status, 401, path);
      assert.deepEqual(r.body, { error: "authentication required", code: "unauthorized" });
    }
    assert.equal((await call(srv.url, null, "POST", "/api/v1/risks", { title: "x" })).status, 401);
    const page = await fetch(`${srv.url}/risks`, { redirect: "manual" });
    assert.equal(page.status, 307);
    assert.match(page.headers.get("location")!, /\/login\?callbackUrl=%2Frisks$/);
  });

  it("refuses a wrong password", async () => {
    await assert.rejects(login(srv.url, { email: ADMIN.email, password: "wrong" }), /login failed/);
  });

  it("serves the dashboard snapshot to any signed-in user", async () => {
    const r = await call(srv.url, analyst, "GET", "/api/v1/dashboard");
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.body).sort(), [
      "metrics",
      "mitigation_progress",
      "mitigation_status",
      "review_status",
      "risk_matrix",
      "risk_trends",
      "risks_by_treatment",
      "severity_distribution",
      "top_risks",
      "version",
    ]);
    assert.equal(r.body.risk_trends.length, 30);
    assert.equal(r.body.top_risks.length, 10);
    const m = r.body.metrics;
    assert.equal(m.total_risks, m.critical_risks + m.high_risks + m.medium_risks + m.low_risks);
  });

  it("creates, reads, updates, lists and deletes a risk; the snapshot follows", async () => {
    const before = (await call(srv.url, admin, "GET", "/api/v1/dashboard")).body.metrics;
    const c = await call(srv.url, analyst, "POST", "/api/v1/risks", {
      title: "Integration risk",
      severity: "critical",
      likelihood: 1,
      impact: 0.99,
    });
    assert.equal(c.status, 201);
    assert.equal(c.body.score, 9.9);
    const id = c.body.id;
    const afterCreate = (await call(srv.url, admin, "GET", "/api/v1/dashboard")).body;
    assert.equal(afterCreate.metrics.critical_risks, before.critical_risks + 1);
    assert.equal(afterCreate.top_risks[0].id, id);

    const u = await call(srv.url, analyst, "PATCH", `/api/v1/risks/${id}`, { severity: "low", likelihood: 0.1 });
    assert.equal(u.status, 200);
    assert.deepEqual([u.body.severity, u.body.score, u.body.title], ["low", 0.99, "Integration risk"]);
    const list = await call(srv.url, analyst, "GET", "/api/v1/risks?q=integration&severity=low");
    assert.deepEqual(
      list.body.items.map((r: { id: number }) => r.id),
      [id],
    );

    assert.equal((await call(srv.url, analyst, "DELETE", `/api/v1/risks/${id}`)).status, 204);
    assert.equal((await call(srv.url, analyst, "GET", `/api/v1/risks/${id}`)).status, 404);
    assert.equal((await call(srv.url, admin, "GET", "/api/v1/dashboard")).body.metrics.total_risks, before.total_risks);
  });

  it("answers bad input with 400 naming the fields, and writes nothing", async () => {
    const total = (await call(srv.url, admin, "GET", "/api/v1/risks?page_size=1")).body.total;
    const r = await call(srv.url, admin, "POST", "/api/v1/risks", { title: "", severity: "huge", likelihood: 2, impact: 0.5 });
    assert.equal(r.status, 400);
    assert.equal(r.body.error, "validation failed");
    assert.deepEqual(r.body.details.map((d: { field: string }) => d.field).sort(), ["likelihood", "severity", "title"]);
    assert.equal((await call(srv.url, admin, "GET", "/api/v1/risks?page_size=1")).body.total, total);

    const existing = (await call(srv.url, admin, "GET", "/api/v1/risks?page_size=1")).body.items[0];
    const bad = await call(srv.url, admin, "PATCH", `/api/v1/risks/${existing.id}`, { title: "ok", impact: -1 });
    assert.equal(bad.status, 400);
    assert.equal((await call(srv.url, admin, "GET", `/api/v1/risks/${existing.id}`)).body.title, existing.title, "nothing half-written");

    assert.equal((await call(srv.url, admin, "GET", "/api/v1/risks?page_size=1000")).status, 400);
    const notJson = await fetch(`${srv.url}/api/v1/risks`, {
      method: "POST",
      headers: { cookie: (admin as { cookie: string }).cookie, "content-type": "text/plain" },
      body: "{}",
    });
    assert.equal(notJson.status, 415);
    const broken = await fetch(`${srv.url}/api/v1/risks`, {
      method: "POST",
      headers: { cookie: (admin as { cookie: string }).cookie, "content-type": "application/json" },
      body: "{oops",
    });
    assert.deepEqual([broken.status, (await broken.json()).error], [400, "body is not valid JSON"]);
  });

  it("answers 404 for unknown or malformed ids", async () => {
    for (const path of ["/api/v1/risks/999999", "/api/v1/risks/abc", "/api/v1/risks/-1", "/api/v1/mitigations/999999"]) {
      assert.equal((await call(srv.url, admin, "GET", path)).status, 404, path);
    }
    assert.equal((await call(srv.url, admin, "PATCH", "/api/v1/risks/999999", { title: "x" })).status, 404);
    assert.equal((await call(srv.url, admin, "DELETE", "/api/v1/mitigations/999999")).status, 404);
  });

  it("manages mitigations under a risk", async () => {
    const risk = (
      await call(srv.url, admin, "POST", "/api/v1/risks", { title: "With mitigation", severity: "high", likelihood: 0.5, impact: 0.5 })
    ).body;
    const m = await call(srv.url, admin, "POST", "/api/v1/mitigations", { risk_id: risk.id, title: "Fix it", due_date: "2020-01-01" });
    assert.equal(m.status, 201);
    assert.equal(m.body.overdue, true);
    const done = await call(srv.url, admin, "PATCH", `/api/v1/mitigations/${m.body.id}`, { status: "completed" });
    assert.deepEqual([done.body.completion_percent, done.body.overdue], [100, false]);
    const bad = await call(srv.url, admin, "POST", "/api/v1/mitigations", { risk_id: 999999, title: "x", due_date: "2030-01-01" });
    assert.deepEqual([bad.status, bad.body.details[0].field], [400, "risk_id"]);
    const listed = await call(srv.url, admin, "GET", `/api/v1/mitigations?risk_id=${risk.id}`);
    assert.deepEqual(
      listed.body.items.map((x: { title: string }) => x.title),
      ["Fix it"],
    );
  });

  it("issues API tokens that act as their creator and work as Bearer (not ?token= on REST) until revoked", async () => {
    const own = await call(srv.url, analyst, "POST", "/api/v1/tokens", { name: "analyst's own" });
    assert.equal(own.status, 201);
    assert.equal((await call(srv.url, { token: own.body.token }, "GET", "/api/v1/me")).body.role, "analyst");
    const t = await call(srv.url, admin, "POST", "/api/v1/tokens", { name: "wallboard" });
    assert.equal(t.status, 201);
    const token = t.body.token as string;
    assert.equal((await call(srv.url, { token }, "GET", "/api/v1/me")).body.via, "token");
    assert.equal((await fetch(`${srv.url}/api/v1/dashboard?token=${token}`)).status, 401);
    assert.equal((await call(srv.url, analyst, "GET", "/api/v1/tokens")).body.items.length, 1, "an analyst lists only their own");
    const listed = await call(srv.url, admin, "GET", "/api/v1/tokens");
    assert.ok(!JSON.stringify(listed.body).includes(token), "the secret is never listed");
    assert.equal((await call(srv.url, analyst, "DELETE", `/api/v1/tokens/${t.body.id}`)).status, 404, "not the analyst's to revoke");
    assert.equal((await call(srv.url, admin, "DELETE", `/api/v1/tokens/${t.body.id}`)).status, 200);
    assert.equal((await call(srv.url, { token }, "GET", "/api/v1/dashboard")).status, 401);
  });

  it("keeps analysts out of admin pages", async () => {
    const res = await fetch(`${srv.url}/admin/quotas`, { redirect: "manual", headers: { cookie: (analyst as { cookie: string }).cookie } });
    assert.equal(res.status, 307);
    assert.match(res.headers.get("location")!, /\/dashboard\?denied=admin/);
    const ok = await fetch(`${srv.url}/admin/quotas`, { redirect: "manual", headers: { cookie: (admin as { cookie: string }).cookie } });
    assert.equal(ok.status, 200);
  });
});
