// E-mail through the outbox, to a real SMTP server this test starts on 127.0.0.1 (smtp-server),
// reading the messages back: each user's preferences decide who gets what, and a mail server
// that is unreachable at first is retried until it answers.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { SMTPServer } from "smtp-server";
import { createMailer } from "../../lib/delivery/mailer";
import { createOutboxWorker } from "../../lib/delivery/outbox-worker";
import { systemClock } from "../../lib/domain/time";
import { createEmailService } from "../../lib/domain/webhooks/email";
import { silentLogger } from "../../lib/log";
import { testDb } from "../support/db";
import { freePort } from "../support/server";
import { until } from "../support/socket";

interface Mail {
  from: string;
  to: string[];
  raw: string;
}

function smtpServer() {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      let raw = "";
      stream.on("data", (c: Buffer) => (raw += c.toString("utf8")));
      stream.on("end", () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
        });
        callback();
      });
    },
  });
  return {
    mails,
    listen: (port: number) => new Promise<void>((r) => server.listen(port, "127.0.0.1", () => r())),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe("e-mail", () => {
  let t: Awaited<ReturnType<typeof testDb>>;
  let email: ReturnType<typeof createEmailService>;
  let admin: { userId: number; role: string }, analyst: { userId: number; role: string };

  before(async () => {
    t = await testDb("email");
    email = createEmailService({ db: t.db, clock: systemClock, enabled: true });
    const mk = async (name: string, role: string) =>
      (await t.db.user.create({ data: { email: `${name}@x.test`, name, role, passwordHash: "x" } })).id;
    admin = { userId: await mk("ada", "admin"), role: "admin" };
    analyst = { userId: await mk("ana", "analyst"), role: "analyst" };
    await mk("root", "admin"); // keeps the defaults: every alert
  });
  after(() => t.close());

  it("mails each user what they chose, retrying while the mail server is unreachable", async () => {
    assert.deepEqual(await email.get(analyst), { events: [], severities: [], mail_configured: true }, "analysts: nothing by default");
    assert.deepEqual((await email.get(admin)).events, ["alert"], "admins: every alert by default");
    await email.set(admin, { events: ["alert"], severities: ["critical"] });
    await email.set(analyst, { events: ["risk.critical", "alert"], severities: ["warning", "critical"] });

    assert.equal(await email.emit(t.db, "alert", "warning: 3 quota violations in a day", "text", "warning"), 1, "root only");
    assert.equal(
      await email.emit(t.db, "alert", "critical: 5 quota violations in a day", "body text", "critical"),
      2,
      "ada and root; never an analyst",
    );
    assert.equal(await email.emit(t.db, "risk.critical", "risk 7 Vendor outage is critical", "text"), 1, "ana");

    const port = await freePort();
    const worker = createOutboxWorker({
      db: t.db,
      clock: systemClock,
      log: silentLogger,
      mailer: createMailer(`smtp://127.0.0.1:${port}`, "RiskPulse <alerts@riskpulse.test>", 1000),
      opts: {
        instanceId: "mail-worker",
        pollMs: 50,
        leaseMs: 10_000,
        retryBaseMs: 100,
        retryMaxMs: 400,
        maxFailures: 1000,
        connectTimeoutMs: 1000,
        timeoutMs: 1000,
        allowHosts: new Set(),
      },
    });
    worker.start();
    const smtp = smtpServer();
    try {
      await until(
        async () => (await t.db.outboxMessage.count({ where: { channel: "email", attempts: { gte: 2 } } })) === 4,
        20_000,
        "refused twice each",
      );
      await smtp.listen(port);
      await until(
        async () => (await t.db.outboxMessage.count({ where: { channel: "email", status: "delivered" } })) === 4,
        20_000,
        "all sent",
      );
    } finally {
      await worker.stop();
      await smtp.close();
    }
    const to = (addr: string) => smtp.mails.filter((m) => m.to.includes(addr)).map((m) => /^Subject: (.*)$/m.exec(m.raw)?.[1]);
    assert.equal(smtp.mails.length, 4, "each mail once");
    assert.deepEqual(to("ada@x.test"), ["[RiskPulse] critical: 5 quota violations in a day"]);
    assert.deepEqual(to("root@x.test").sort(), [
      "[RiskPulse] critical: 5 quota violations in a day",
      "[RiskPulse] warning: 3 quota violations in a day",
    ]);
    assert.deepEqual(to("ana@x.test"), ["[RiskPulse] risk 7 Vendor outage is critical"]);
    assert.ok(smtp.mails.every((m) => m.from === "alerts@riskpulse.test" && /^X-RiskPulse-Delivery: [0-9a-f-]{36}$/im.test(m.raw)));
    assert.ok(smtp.mails.some((m) => m.raw.includes("body text")));
    const attempts = await t.db.deliveryAttempt.findMany({ where: { outbox: { channel: "email" } } });
    assert.ok(
      attempts.filter((a) => a.outcome === "failed").every((a) => /ECONNREFUSED|connect/i.test(a.error ?? "")),
      "refused while down",
    );
    assert.equal(attempts.filter((a) => a.outcome === "delivered").length, 4);
  });
});
