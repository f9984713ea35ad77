// Webhooks and notifications through the running server (issue 24's done-test): a user pushed over a
// quota until the seeded alert rules fire; the receiver this test starts on 127.0.0.1 is down
// meanwhile, and the server holding the outbox is killed with SIGKILL and started again. Every
// delivery arrives once, validly signed — graded by the receiver and the database — and the
// admin's mail reaches the SMTP server the test starts on 127.0.0.1. Notifications: each user's
// channel carries only their own on every transport (the other user's clients are the grader),
// marking read in one connection clears the others, and an overdue mitigation is announced
// once, with its `mitigation.overdue` outbox row (the database is the ground truth).
import assert from "node:assert/strict";
import http from "node:http";
import { after, before, describe, it } from "node:test";
import { SMTPServer } from "smtp-server";
import { createDb, type Db } from "../../lib/db/client";
import { verify } from "../../lib/domain/webhooks/signature";
import type { Envelope } from "../../lib/contract/protocol";
import { ADMIN, ANALYST, call, login } from "../support/http";
import { plainWs } from "../support/plain-ws";
import { record, until } from "../support/socket";
import { openSse } from "../support/sse";
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

  /** Every notifications message one user's clients get, on each transport, as envelopes. */
  async function notificationClients(auth: { cookie: string }, label: string) {
    const token = (await call(srv.url, auth, "POST", "/api/v1/tokens", { name: `bell ${label}` })).body.token as string;
    const sock = await record(`${srv.url}/notifications`, token);
    const sse = await openSse(`${srv.url}/api/v1/sse/notifications`, { authorization: `Bearer ${token}` });
    const ws = plainWs(`${srv.url.replace("http", "ws")}/api/v1/ws/notifications?token=${token}`);
    await ws.opened();
    const polled: Envelope[] = [];
    let since: string | null = null;
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const r = await fetch(`${srv.url}/api/v1/events/notifications${since ? `?since=${since}` : ""}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const body = (await r.json()) as { messages: Envelope[]; snapshot?: Envelope; next: string };
        if (body.snapshot) polled.push(body.snapshot);
        polled.push(...body.messages);
        since = body.next;
        await new Promise((res) => setTimeout(res, 100));
      }
    })();
    const sseEnvelopes = () => sse.frames.filter((f) => f.data).map((f) => JSON.parse(f.data!) as Envelope);
    const byTransport = (): Record<string, Envelope[]> => ({
      "socket.io": sock.messages,
      sse: sseEnvelopes(),
      websocket: ws.frames as unknown as Envelope[],
      polling: polled,
    });
    return {
      token,
      byTransport,
      async close() {
        polling = false;
        await poller;
        sock.close();
        ws.ws.close();
        await sse.close();
      },
    };
  }
  const notificationsOf = (m: Envelope[]) =>
    m.filter((e) => e.type === "notification").map((e) => e.data as { user_id: number; notification: { id: number; title: string } });

  it("gives each user's channel only their own notifications on every transport, and clears read ones in every connection", async () => {
    const adminId = (await call(srv.url, admin, "GET", "/api/v1/me")).body.id as number;
    const analystId = (await call(srv.url, analyst, "GET", "/api/v1/me")).body.id as number;
    const mine = await notificationClients(analyst, "analyst");
    const theirs = await notificationClients(admin, "admin");
    try {
      const risk = async (by: { cookie: string }, owner: number, title: string) =>
        assert.equal(
          (await call(srv.url, by, "POST", "/api/v1/risks", { title, severity: "low", likelihood: 0.1, impact: 0.1, owner_id: owner }))
            .status,
          201,
        );
      // In log order: the analyst's, the admin's, the analyst's, the admin's. A client holding
      // its user's last one has been sent everything before it, so a leak would have shown.
      await risk(admin, analystId, "for the analyst 1");
      await risk(analyst, adminId, "for the admin 1");
      await risk(admin, analystId, "for the analyst 2");
      await risk(analyst, adminId, "for the admin 2");
      for (const [clients, userId, last] of [
        [mine, analystId, "for the analyst 2"],
        [theirs, adminId, "for the admin 2"],
      ] as const) {
        for (const transport of Object.keys(clients.byTransport())) {
          await until(
            () => notificationsOf(clients.byTransport()[transport]!).some((n) => n.notification.title.includes(last)),
            10_000,
            `${transport}: ${last}`,
          );
          const got = clients.byTransport()[transport]!;
          const ns = notificationsOf(got);
          assert.ok(ns.length >= 2, `${transport}: both of the user's`);
          assert.deepEqual([...new Set(ns.map((n) => n.user_id))], [userId], `${transport}: only user ${userId}'s`);
          const reads = got.filter((e) => e.type === "notifications_read").map((e) => (e.data as { user_id: number }).user_id);
          assert.ok(
            reads.every((u) => u === userId),
            `${transport}: only the user's reads`,
          );
        }
      }
      // A user id in the request changes nothing: the channel is the credential's user's.
      const spoof = await fetch(`${srv.url}/api/v1/events/notifications?user_id=${adminId}`, {
        headers: { authorization: `Bearer ${mine.token}` },
      });
      const snap = ((await spoof.json()) as { snapshot: Envelope<string, { unread: number }> }).snapshot;
      assert.equal(snap.data.unread, (await call(srv.url, analyst, "GET", "/api/v1/me/notifications?unread=1")).body.unread);

      // Marking all read over REST clears every connection of the analyst, none of the admin's.
      const r = await call(srv.url, analyst, "POST", "/api/v1/me/notifications/read", { all: true });
      assert.equal(r.status, 200);
      assert.equal(r.body.unread, 0);
      for (const [transport] of Object.entries(mine.byTransport()))
        await until(
          () => mine.byTransport()[transport]!.some((e) => e.type === "notifications_read" && (e.data as { unread: number }).unread === 0),
          10_000,
          `${transport}: notifications_read`,
        );
      assert.equal(await db.notification.count({ where: { userId: analystId, readAt: null } }), 0);
      assert.ok((await db.notification.count({ where: { userId: adminId, readAt: null } })) >= 2, "the admin's stay unread");
      assert.ok(Object.values(theirs.byTransport()).every((m) => !m.some((e) => e.type === "notifications_read")));
      assert.equal((await call(srv.url, analyst, "POST", "/api/v1/me/notifications/read", { ids: [] })).status, 400);
    } finally {
      await mine.close();
      await theirs.close();
    }
  });

  it("announces an overdue mitigation once: one notice to its owner and one mitigation.overdue outbox row", async () => {
    const analystId = (await call(srv.url, analyst, "GET", "/api/v1/me")).body.id as number;
    const hook = await call(srv.url, admin, "POST", "/api/v1/webhooks", {
      url: `http://127.0.0.1:${port}/overdue`,
      events: ["mitigation.overdue"],
    });
    assert.equal(hook.status, 201);
    const risk = await call(srv.url, admin, "POST", "/api/v1/risks", { title: "late work", severity: "low", likelihood: 0.1, impact: 0.1 });
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const m = await call(srv.url, admin, "POST", "/api/v1/mitigations", {
      risk_id: risk.body.id,
      title: "overdue one",
      due_date: yesterday,
      owner_id: analystId,
    });
    assert.equal(m.status, 201);
    const rows = () => db.outboxMessage.findMany({ where: { webhookId: hook.body.id, event: "mitigation.overdue" } });
    const notices = () => db.notification.findMany({ where: { userId: analystId, kind: "mitigation_overdue", mitigationId: m.body.id } });
    await until(async () => (await rows()).length === 1 && (await notices()).length === 1, 20_000, "the overdue announcement");
    // Two more leader ticks (the stats they publish) announce nothing again.
    const quotas = await record(`${srv.url}/admin/quotas`, "", { cookie: admin.cookie });
    try {
      const from = quotas.messages.length;
      await quotas.next("stats", { from, timeoutMs: 15_000 });
      await quotas.next("stats", { from: quotas.messages.length, timeoutMs: 15_000 });
    } finally {
      quotas.close();
    }
    assert.equal((await rows()).length, 1);
    assert.equal((await notices()).length, 1);
    const body = JSON.parse((await rows())[0]!.body) as { type: string; data: { id: number; owner_id: number } };
    assert.deepEqual([body.type, body.data.id, body.data.owner_id], ["mitigation.overdue", m.body.id, analystId]);
  });
});
