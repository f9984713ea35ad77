// Webhooks through the running server (issue 24's done-test, webhook part): a user pushed over a
// quota until the seeded alert rules fire; the receiver this test starts on 127.0.0.1 is down
// meanwhile, and the server holding the outbox is killed with SIGKILL and started again. Every
// delivery arrives once, validly signed — graded by the receiver and the database — and the
// admin's mail reaches the SMTP server the test starts on 127.0.0.1.
import assert from "node:assert/strict";
import http from "node:http";
import { after, before, describe, it } from "node:test";
import { SMTPServer } from "smtp-server";
import { createDb, type Db } from "../../lib/db/client";
import { verify } from "../../lib/domain/webhooks/signature";
import { ADMIN, ANALYST, call, login } from "../support/http";
import { until } from "../support/socket";
import { freePort, startServer, type TestServer } from "../support/server";

// Quick retries; short request timeouts, so a lease the killed server held expires within seconds.
const ENV = {
  WEBHOOK_ALLOW_HOSTS: "127.0.0.1",
  WEBHOOK_RETRY_BASE_MS: "300",
  WEBHOOK_RETRY_MAX_MS: "1500",
  WEBHOOK_TIMEOUT_MS: "2000",
  WEBHOOK_CONNECT_TIMEOUT_MS: "1000",
  OUTBOX_POLL_MS: "100",
  WEBHOOK_MAX_FAILURES: "1000", // every attempt fails while the receiver is down: keep it enabled here
};

describe("webhooks", () => {
  let srv: TestServer;
  let db: Db;
  let admin: { cookie: string }, analyst: { cookie: string };
  let port: number;
  const mails: { to: string[]; raw: string }[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, done) {
      let raw = "";
      stream.on("data", (c: Buffer) => (raw += c.toString("utf8")));
      stream.on("end", () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        done();
      });
    },
  });

  before(async () => {
    port = await freePort();
    const smtpPort = await freePort();
    await new Promise<void>((r) => smtp.listen(smtpPort, "127.0.0.1", () => r()));
    srv = await startServer({ env: { ...ENV, SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, MAIL_FROM: "RiskPulse <alerts@riskpulse.test>" } });
    db = createDb(srv.databaseUrl);
    admin = { cookie: await login(srv.url, ADMIN) };
    analyst = { cookie: await login(srv.url, ANALYST) };
  });
  after(async () => {
    await db?.$disconnect();
    await srv?.stop();
    await new Promise<void>((r) => smtp.close(() => r()));
  });

  it("keeps webhooks to admins and refuses internal targets with a clear 400, resolved names included", async () => {
    const routes: [string, string, unknown?][] = [
      ["GET", "/api/v1/webhooks"],
      ["POST", "/api/v1/webhooks", { url: "https://example.com/", events: ["alert"] }],
      ["PATCH", "/api/v1/webhooks/1", { enabled: true }],
      ["DELETE", "/api/v1/webhooks/1"],
      ["GET", "/api/v1/webhooks/1/deliveries"],
      ["POST", "/api/v1/webhooks/1/deliveries/1/resend"],
      ["POST", "/api/v1/webhooks/1/test"],
    ];
    for (const [method, path, payload] of routes)
      assert.equal((await call(srv.url, analyst, method, path, payload)).status, 403, `${method} ${path}`);
    for (const [url, range] of [
      ["http://169.254.169.254/latest/meta-data", "linkLocal"],
      ["http://10.0.0.8/hook", "private"],
      ["http://localhost:1/hook", "loopback"], // only 127.0.0.1 is allowed, not every name that resolves to it
    ] as const) {
      const r = await call(srv.url, admin, "POST", "/api/v1/webhooks", { url, events: ["alert"] });
      assert.deepEqual([r.status, r.body.code, r.body.details[0].field], [400, "blocked_target", "url"], url);
      assert.match(r.body.details[0].message, new RegExp(`\\(${range}\\)`), url);
    }
    const bad = await call(srv.url, admin, "POST", "/api/v1/webhooks", { url: "ftp://x", events: ["nope"], format: "xml" });
    assert.deepEqual(bad.body.details.map((d: { field: string }) => d.field.split(".")[0]).sort(), ["events", "format", "url"]);
  });

  it("delivers each alert and violation once, signed, after the receiver was down and the server was killed", async () => {
    const made = await call(srv.url, admin, "POST", "/api/v1/webhooks", {
      url: `http://127.0.0.1:${port}/riskpulse`,
      events: ["alert", "violation"],
      format: "json",
    });
    assert.equal(made.status, 201);
    const { id, secret } = made.body as { id: number; secret: string };
    const analystId = (await call(srv.url, analyst, "GET", "/api/v1/me")).body.id;
    await call(srv.url, admin, "PUT", "/api/v1/quotas", { user_id: analystId, command_type: "deploy", period: "daily", limit: 0 });
    // Five refusals: five violations, and the seeded rules' warning (3) and critical (5) alerts.
    for (let i = 0; i < 5; i++)
      assert.equal((await call(srv.url, analyst, "POST", "/api/v1/commands", { command_type: "deploy" })).status, 429);
    const expected = 7;
    const rows = () => db.outboxMessage.findMany({ where: { webhookId: id }, include: { attemptsLog: true } });
    await until(async () => (await rows()).filter((m) => m.attempts >= 1).length === expected, 30_000, "every delivery failed once");

    await srv.crash({
      WEBHOOK_ALLOW_HOSTS: "127.0.0.1",
      WEBHOOK_RETRY_BASE_MS: "300",
      WEBHOOK_RETRY_MAX_MS: "1500",
      OUTBOX_POLL_MS: "100",
    });
    const got: { delivery: string; event: string; ok: boolean; body: string }[] = [];
    const receiver = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString("utf8")));
      req.on("end", () => {
        got.push({
          delivery: String(req.headers["riskpulse-delivery"]),
          event: String(req.headers["riskpulse-event"]),
          ok: verify(secret, body, String(req.headers["riskpulse-signature"]), Math.floor(Date.now() / 1000)),
          body,
        });
        res.end("thanks");
      });
    });
    await new Promise<void>((r) => receiver.listen(port, "127.0.0.1", () => r()));
    const upAt = Date.now();
    try {
      await until(async () => (await rows()).every((m) => m.status === "delivered"), 30_000, "all delivered after the restart").catch(
        async (e: unknown) => {
          const w = await db.webhook.findUnique({ where: { id } });
          throw new Error(
            `${(e as Error).message}: webhook ${JSON.stringify(w)}, rows ${JSON.stringify((await rows()).map((m) => [m.status, m.attempts, m.leaseOwner]))}`,
          );
        },
      );
      const afterRecovery = Date.now() - upAt;
      const stored = await rows();
      assert.equal(got.length, expected, "received");
      assert.equal(new Set(got.map((g) => g.delivery)).size, expected, "duplicates: 0");
      assert.ok(
        got.every((g) => g.ok),
        "every signature verifies",
      );
      assert.deepEqual(new Set(got.map((g) => g.delivery)), new Set(stored.map((m) => m.deliveryId)));
      assert.deepEqual(got.map((g) => g.event).sort(), ["alert", "alert", ...Array(5).fill("violation")]);
      const alerts = got.filter((g) => g.event === "alert").map((g) => JSON.parse(g.body).data.severity);
      assert.deepEqual(alerts.sort(), ["critical", "warning"]);
      const attempts = stored.flatMap((m) => m.attemptsLog);
      console.log(
        `# webhook done-test: ${expected} deliveries, ${attempts.length} attempts ` +
          `(${attempts.filter((a) => a.outcome === "failed").length} failed while the receiver was down), ` +
          `all delivered ${afterRecovery} ms after it came up (server killed -9 in between), duplicates 0`,
      );
      const log = await call(srv.url, admin, "GET", `/api/v1/webhooks/${id}/deliveries?page_size=50`);
      assert.equal(log.body.total, expected);
      assert.ok(
        log.body.items.every(
          (d: { status: string; log: { outcome: string; status_code: number | null }[] }) =>
            d.status === "delivered" && d.log.at(-1)?.status_code === 200 && d.log.some((l) => l.outcome === "failed"),
        ),
      );
      // The admin's mail: both alerts (admins get every alert until they choose otherwise).
      const subjects = () => mails.filter((m) => m.to.includes(ADMIN.email)).map((m) => /^Subject: (.*)$/m.exec(m.raw)?.[1] ?? "");
      await until(() => subjects().length === 2, 20_000, "the admin's two alert mails");
      assert.deepEqual(subjects().sort(), [
        "[RiskPulse] Critical: 5 quota violations in a day",
        "[RiskPulse] Warning: 3 quota violations in a day",
      ]);
      assert.ok(
        mails.every((m) => !m.to.includes(ANALYST.email)),
        "analysts get no alert mail",
      );
      const metrics = await (await fetch(`${srv.url}/api/metrics`, { headers: { cookie: admin.cookie } })).text();
      assert.match(metrics, /riskpulse_deliveries_total\{channel="webhook",outcome="delivered"\} [1-9]/);
      assert.match(metrics, /riskpulse_outbox_depth\{channel="webhook"\} 0/);
      assert.match(metrics, /riskpulse_delivery_seconds_count\{channel="webhook"\} [1-9]/);
    } finally {
      await new Promise<void>((r) => receiver.close(() => r()));
    }
  });
});
