// The risk register over REST on the running server: register fields and their filters, a
// recorded review, the 409 edit conflict (body `version` and If-Match), and the dashboard's
// additive sections, risk acceptance (four-eyes, expiry on the leader's tick, the live pending
// count) and My work — graded by GET answers, the database, the audit log another user reads and
// the patches another client receives.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createDb } from "../../lib/db/client";
import { startServer, type TestServer } from "../support/server";
import { ADMIN, ANALYST, call, login, type Auth } from "../support/http";
import { until } from "../support/socket";
import { openSse } from "../support/sse";

describe("risk register over REST", () => {
  let srv: TestServer;
  let admin: Auth, analyst: Auth;
  before(async () => {
    // A short stats tick, so an acceptance's expiry (run on it) is seen within a second or two.
    srv = await startServer({ env: { STATS_INTERVAL_MS: "1000" } });
    admin = { cookie: await login(srv.url, ADMIN) };
    analyst = { cookie: await login(srv.url, ANALYST) };
  });
  after(async () => {
    assert.equal(await srv?.stop(), 0);
  });

  it("stores the register fields, filters by them, and the heat map counts sum to total_risks", async () => {
    const c = await call(srv.url, analyst, "POST", "/api/v1/risks", {
      title: "Register risk",
      severity: "critical",
      likelihood: 0.95,
      impact: 0.9,
      treatment: "transfer",
      residual_likelihood: 0.1,
      residual_impact: 0.3,
      category: "Insurance-it",
      tags: ["it-tag"],
    });
    assert.equal(c.status, 201, JSON.stringify(c.body));
    assert.equal(c.body.residual_score, 0.3);
    assert.equal(c.body.version, 1);
    assert.ok(c.body.next_review_at, "a default review date");
    for (const q of [
      "tag=it-tag",
      "category=Insurance-it",
      "treatment=transfer&tag=it-tag",
      "likelihood_band=5&impact_band=5&tag=it-tag",
      "matrix=residual&likelihood_band=1&impact_band=2&tag=it-tag",
    ]) {
      const l = await call(srv.url, admin, "GET", `/api/v1/risks?${q}`);
      assert.deepEqual(
        l.body.items.map((r: { id: number }) => r.id),
        [c.body.id],
        q,
      );
    }
    assert.equal((await call(srv.url, admin, "GET", "/api/v1/risks?treatment=sideways")).status, 400);

    const d = (await call(srv.url, admin, "GET", "/api/v1/dashboard")).body;
    for (const view of ["inherent", "residual"]) {
      const cells = d.risk_matrix[view] as { likelihood: number; impact: number; count: number }[];
      assert.equal(cells.length, 25);
      assert.equal(
        cells.reduce((s, x) => s + x.count, 0),
        d.metrics.total_risks,
      );
    }
    const open = (await call(srv.url, admin, "GET", "/api/v1/risks?status=open&likelihood_band=5&impact_band=5&page_size=1")).body.total;
    assert.equal(
      d.risk_matrix.inherent.find((x: { likelihood: number; impact: number }) => x.likelihood === 5 && x.impact === 5).count,
      open,
    );
    const transfer = (await call(srv.url, admin, "GET", "/api/v1/risks?status=open&treatment=transfer&page_size=1")).body.total;
    assert.equal(d.risks_by_treatment.transfer, transfer);
    const overdue = (await call(srv.url, admin, "GET", "/api/v1/risks?status=open&review=overdue&page_size=1")).body.total;
    assert.equal(d.review_status.overdue, overdue);
  });

  it("records a review and refuses a stale edit with 409 edit_conflict and the current values", async () => {
    const c = (
      await call(srv.url, analyst, "POST", "/api/v1/risks", { title: "Edited twice", severity: "low", likelihood: 0.2, impact: 0.2 })
    ).body;
    const first = await call(srv.url, admin, "PATCH", `/api/v1/risks/${c.id}`, { title: "Admin's", version: c.version });
    assert.equal(first.status, 200);
    assert.equal(first.body.version, 2);

    const stale = await call(srv.url, analyst, "PATCH", `/api/v1/risks/${c.id}`, { title: "Analyst's", version: 1 });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.code, "edit_conflict");
    assert.equal(stale.body.details.current.title, "Admin's");
    assert.equal(stale.body.details.current.version, 2);

    const headers = { cookie: (analyst as { cookie: string }).cookie, "content-type": "application/json", "if-match": '"1"' };
    const viaHeader = await fetch(`${srv.url}/api/v1/risks/${c.id}`, {
      method: "PATCH",
      headers,
      body: JSON.stringify({ title: "Analyst's" }),
    });
    assert.equal(viaHeader.status, 409);
    assert.equal((await call(srv.url, admin, "GET", `/api/v1/risks/${c.id}`)).body.title, "Admin's", "no lost update");

    const reviewed = await call(srv.url, analyst, "POST", `/api/v1/risks/${c.id}/reviews`, { note: "looked at it" });
    assert.equal(reviewed.status, 200);
    assert.ok(reviewed.body.last_reviewed_at);
    assert.equal(reviewed.body.version, 3);
    const audit = await call(srv.url, admin, "GET", `/api/v1/audit?entity=risk&entity_id=${c.id}`);
    assert.equal(audit.status, 200, JSON.stringify(audit.body));
    assert.deepEqual(audit.body.items.map((a: { action: string }) => a.action).sort(), ["created", "reviewed", "updated"]);
  });

  it("imports CSV over REST: a dry run reports lines, a bad file is refused whole, a good one lands; the export streams it back", async () => {
    const file = (bad: boolean) =>
      [
        "external_id,title,severity,likelihood,impact,tags",
        ...Array.from({ length: 10 }, (_, i) => `IT-${i},Imported ${i},${bad && i === 3 ? "huge" : "high"},0.5,0.5,it-import`),
      ].join("\n");
    const post = (path: string, text: string) =>
      fetch(`${srv.url}${path}`, {
        method: "POST",
        headers: { cookie: (analyst as { cookie: string }).cookie, "content-type": "text/csv" },
        body: text,
      });
    const dry = await post("/api/v1/risks/import?dry_run=1", file(true));
    assert.equal(dry.status, 200);
    const report = await dry.json();
    assert.equal(report.valid, false);
    assert.deepEqual(
      report.errors.map((e: { line: number }) => e.line),
      [5],
    );
    const refused = await post("/api/v1/risks/import", file(true));
    assert.equal(refused.status, 400);
    assert.equal((await refused.json()).code, "import_invalid");
    assert.equal((await call(srv.url, admin, "GET", "/api/v1/risks?tag=it-import")).body.total, 0, "nothing written");
    const missing = await post("/api/v1/risks/import", "title\nx");
    assert.equal(missing.status, 400, "a report, not a crash, for a file missing columns");
    assert.equal((await missing.json()).details.errors[0].line, 1);
    const wrongType = await fetch(`${srv.url}/api/v1/risks/import`, {
      method: "POST",
      headers: { cookie: (analyst as { cookie: string }).cookie, "content-type": "text/plain" },
      body: file(false),
    });
    assert.equal(wrongType.status, 415);

    const done = await post("/api/v1/risks/import", file(false));
    assert.equal(done.status, 200);
    assert.equal((await done.json()).created, 10);
    assert.equal((await call(srv.url, admin, "GET", "/api/v1/risks?tag=it-import")).body.total, 10);
    const audit = await call(srv.url, admin, "GET", "/api/v1/audit?entity=risk&entity_id=import");
    assert.equal(audit.body.items.length, 1);

    const exp = await fetch(`${srv.url}/api/v1/risks/export?format=csv&tag=it-import`, {
      headers: { cookie: (admin as { cookie: string }).cookie },
    });
    assert.equal(exp.status, 200);
    assert.match(exp.headers.get("content-type")!, /text\/csv/);
    const lines = (await exp.text()).trim().split("\r\n");
    assert.equal(lines.length, 11);
    assert.match(lines[0]!, /^id,external_id,title/);
    const json = await fetch(`${srv.url}/api/v1/risks/export?format=json&tag=it-import`, {
      headers: { cookie: (admin as { cookie: string }).cookie },
    });
    assert.equal((await json.json()).length, 10);
  });

  it("acceptance: analyst requests, the requester may not decide, another admin approves; the pending count is pushed live", async () => {
    const db = createDb(srv.databaseUrl);
    try {
      const live = await openSse(`${srv.url}/api/v1/sse/dashboard?sections=review_status`, {
        cookie: (admin as { cookie: string }).cookie,
      });
      const pendingNow = async () => db.riskAcceptance.count({ where: { status: "pending" } });
      const r = (
        await call(srv.url, analyst, "POST", "/api/v1/risks", { title: "Accept me", severity: "low", likelihood: 0.2, impact: 0.2 })
      ).body;
      const until30 = new Date(Date.now() + 30 * 86_400_000).toISOString();
      const bad = await call(srv.url, analyst, "POST", `/api/v1/risks/${r.id}/acceptances`, { justification: "", expires_at: until30 });
      assert.equal(bad.status, 400);
      const req = await call(srv.url, analyst, "POST", `/api/v1/risks/${r.id}/acceptances`, {
        justification: "low and cheap to live with",
        expires_at: until30,
      });
      assert.equal(req.status, 201, JSON.stringify(req.body));
      assert.equal(req.body.status, "pending");
      assert.equal((await db.risk.findUniqueOrThrow({ where: { id: r.id } })).treatment, "accept");
      const again = await call(srv.url, analyst, "POST", `/api/v1/risks/${r.id}/acceptances`, { justification: "x", expires_at: until30 });
      assert.deepEqual([again.status, again.body.code], [409, "acceptance_pending"]);
      // Another client (the admin's SSE stream) is told the new pending count.
      const want = await pendingNow();
      await live.until((f) => {
        if (f.event !== "dashboard_patch") return false;
        const ops = (JSON.parse(f.data!) as { data: { patch: { path: string; value?: unknown }[] } }).data.patch;
        return ops.some((o) => o.path === "/review_status/pending_acceptances" && o.value === want);
      }, 5000);
      const analystList = await call(srv.url, analyst, "GET", "/api/v1/acceptances?status=pending");
      assert.equal(analystList.status, 403);
      const list = await call(srv.url, admin, "GET", "/api/v1/acceptances?status=pending");
      assert.ok(list.body.items.some((a: { id: number }) => a.id === req.body.id));
      assert.equal((await call(srv.url, analyst, "POST", `/api/v1/acceptances/${req.body.id}/approve`, {})).status, 403);

      // Four-eyes: the admin's own request.
      const r2 = (
        await call(srv.url, admin, "POST", "/api/v1/risks", { title: "Admin's own", severity: "low", likelihood: 0.2, impact: 0.2 })
      ).body;
      const own = (await call(srv.url, admin, "POST", `/api/v1/risks/${r2.id}/acceptances`, { justification: "mine", expires_at: until30 }))
        .body;
      const self = await call(srv.url, admin, "POST", `/api/v1/acceptances/${own.id}/approve`, { note: "ok by me" });
      assert.deepEqual([self.status, self.body.code], [403, "four_eyes"]);
      assert.equal((await db.riskAcceptance.findUniqueOrThrow({ where: { id: own.id } })).status, "pending");
      // The requester withdraws it; the decision reopens.
      assert.equal((await call(srv.url, admin, "POST", `/api/v1/acceptances/${own.id}/revoke`, {})).body.status, "revoked");
      assert.equal((await db.risk.findUniqueOrThrow({ where: { id: r2.id } })).treatment, null);

      // Approved, then expired by the leader's tick: the treatment is reopened.
      const soon = new Date(Date.now() + 1500).toISOString();
      const ok = await call(srv.url, admin, "POST", `/api/v1/acceptances/${req.body.id}/approve`, {
        note: "until it expires",
        expires_at: soon,
      });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      const row = await db.riskAcceptance.findUniqueOrThrow({ where: { id: req.body.id } });
      assert.equal(row.status, "approved");
      assert.equal(row.decidedById, (await call(srv.url, admin, "GET", "/api/v1/me")).body.id);
      const mine = await call(srv.url, analyst, "GET", `/api/v1/risks/${r.id}/acceptances`);
      assert.equal(mine.body.items[0].status, "approved");
      await until(
        async () => (await db.riskAcceptance.findUniqueOrThrow({ where: { id: req.body.id } })).status === "expired",
        10_000,
        "expiry",
      );
      await until(async () => (await db.risk.findUniqueOrThrow({ where: { id: r.id } })).treatment === null, 5000, "treatment reopened");
      const audit = await call(srv.url, admin, "GET", `/api/v1/audit?entity=acceptance&entity_id=${req.body.id}`);
      assert.deepEqual(
        audit.body.items.map((e: { action: string }) => e.action),
        ["expired", "approved", "requested"],
      );
      // The bell: the admins were asked to decide, the requester was told the decision and the expiry.
      const [adminId, analystId] = [
        (await call(srv.url, admin, "GET", "/api/v1/me")).body.id,
        (await call(srv.url, analyst, "GET", "/api/v1/me")).body.id,
      ];
      const notes = async () =>
        (await db.notification.findMany({ where: { riskId: r.id }, orderBy: { id: "asc" } })).map((n) => [
          n.userId,
          n.kind,
          n.title.split(":")[0],
        ]);
      await until(async () => (await notes()).length >= 3, 5000, "the acceptance's notifications");
      assert.deepEqual(await notes(), [
        [adminId, "acceptance_requested", "Acceptance requested"],
        [analystId, "acceptance_decided", "Acceptance approved"],
        [analystId, "acceptance_decided", "Acceptance expired"],
      ]);
      live.close();
    } finally {
      await db.$disconnect();
    }
  });

  it("My work lists my risks, due mitigations and reviews, and for admins others' pending requests", async () => {
    const me = (await call(srv.url, analyst, "GET", "/api/v1/me")).body;
    const r = (
      await call(srv.url, admin, "POST", "/api/v1/risks", {
        title: "Owned by the analyst",
        severity: "high",
        likelihood: 0.5,
        impact: 0.5,
        owner_id: me.id,
        next_review_at: new Date(Date.now() + 86_400_000).toISOString(),
      })
    ).body;
    const m = (
      await call(srv.url, admin, "POST", "/api/v1/mitigations", {
        risk_id: r.id,
        title: "Due tomorrow",
        due_date: new Date(Date.now() + 86_400_000).toISOString().slice(0, 10),
        owner_id: me.id,
      })
    ).body;
    const ask = await call(srv.url, analyst, "POST", `/api/v1/risks/${r.id}/acceptances`, {
      justification: "for my work",
      expires_at: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    });
    assert.equal(ask.status, 201);
    const work = await call(srv.url, analyst, "GET", "/api/v1/me/work");
    assert.equal(work.status, 200);
    assert.ok(work.body.risks.some((x: { id: number }) => x.id === r.id));
    assert.ok(work.body.reviews.some((x: { id: number }) => x.id === r.id));
    assert.ok(
      work.body.mitigations.some((x: { id: number }) => x.id === m.id),
      JSON.stringify(m),
    );
    assert.deepEqual(work.body.acceptances, []);
    const adminWork = await call(srv.url, admin, "GET", "/api/v1/me/work");
    assert.ok(adminWork.body.acceptances.some((a: { id: number }) => a.id === ask.body.id));
    assert.ok(!adminWork.body.risks.some((x: { id: number }) => x.id === r.id));
    assert.equal((await call(srv.url, null, "GET", "/api/v1/me/work")).status, 401);
  });
});
