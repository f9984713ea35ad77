// Webhooks through the outbox, against a receiver this test starts on 127.0.0.1: the SSRF guard,
// signatures, retries while the receiver is down, exactly one delivery per message with two
// workers on the same database, disabling after repeated failures, no redirects, timeouts,
// resend and test events — graded by the receiver and the database.
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { createOutboxWorker, type OutboxWorker, type OutboxWorkerOptions } from "../../lib/delivery/outbox-worker";
import { postJson } from "../../lib/delivery/http-sender";
import { systemClock } from "../../lib/domain/time";
import { verify } from "../../lib/domain/webhooks/signature";
import { createWebhookService } from "../../lib/domain/webhooks/webhooks";
import { silentLogger } from "../../lib/log";
import { until } from "../support/socket";
import { freePort } from "../support/server";
import { testDb } from "../support/db";

interface Received {
  delivery: string;
  event: string;
  body: string;
  signatureOk: boolean;
}

/** A receiver on 127.0.0.1 that checks each signature; `answer` decides the response. */
function receiver(secretOf: () => string, answer: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_q, r) => r.end("ok")) {
  const got: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      got.push({
        delivery: String(req.headers["riskpulse-delivery"]),
        event: String(req.headers["riskpulse-event"]),
        body,
        signatureOk: verify(secretOf(), body, String(req.headers["riskpulse-signature"] ?? ""), Math.floor(Date.now() / 1000)),
      });
      answer(req, res);
    });
  });
  return {
    got,
    listen: (port = 0) => new Promise<number>((r) => server.listen(port, "127.0.0.1", () => r((server.address() as AddressInfo).port))),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe("webhooks", () => {
  let t: Awaited<ReturnType<typeof testDb>>;
  const allow = new Set(["127.0.0.1"]);
  const ada = { id: null, label: "ada@x.test" };
  let webhooks: ReturnType<typeof createWebhookService>;
  const workers: OutboxWorker[] = [];
  const disabled: number[] = [];
  const opts = (instanceId: string, over: Partial<OutboxWorkerOptions> = {}): OutboxWorkerOptions => ({
    instanceId,
    pollMs: 50,
    leaseMs: 30_000,
    retryBaseMs: 100,
    retryMaxMs: 800,
    maxFailures: 1000,
    connectTimeoutMs: 2000,
    timeoutMs: 2000,
    allowHosts: allow,
    ...over,
  });
  const worker = (o: OutboxWorkerOptions) => {
    const w = createOutboxWorker({ db: t.db, clock: systemClock, log: silentLogger, opts: o, onDisabled: (x) => disabled.push(x.id) });
    workers.push(w);
    return w;
  };
  const stopWorkers = async () => {
    await Promise.all(workers.map((w) => w.stop()));
    workers.length = 0;
  };

  before(async () => {
    t = await testDb("webhooks");
    webhooks = createWebhookService({ db: t.db, clock: systemClock, allowHosts: allow });
  });
  after(async () => {
    await stopWorkers();
    await t.close();
  });

  it("refuses loopback, private, link-local and metadata targets with a clear 400, resolved names included", async () => {
    const strict = createWebhookService({ db: t.db, clock: systemClock, allowHosts: new Set() });
    const refused = async (url: string, range: RegExp) => {
      const err = (await strict.create({ url, events: ["alert"], format: "json" }, ada).then(
        () => assert.fail(`${url} was accepted`),
        (e: unknown) => e,
      )) as { status: number; code?: string; details: { field: string; message: string }[] };
      assert.deepEqual([err.status, err.code, err.details[0]?.field], [400, "blocked_target", "url"], url);
      assert.match(err.details[0]!.message, range, url);
    };
    await refused("http://127.0.0.1:9/hook", /127\.0\.0\.1 \(loopback\)/);
    await refused("http://localhost:9/hook", /localhost resolves to .* \(loopback\)/);
    await refused("http://10.1.2.3/hook", /private/);
    await refused("http://192.168.0.10/hook", /private/);
    await refused("http://169.254.169.254/latest/meta-data", /linkLocal/);
    await refused("http://[::1]/hook", /loopback/);
    await refused("http://[::ffff:127.0.0.1]/hook", /loopback/);
    await refused("http://[fd00::1]/hook", /uniqueLocal/);
    // The address connected to is checked too: a name that resolves to loopback is refused at send time.
    const port = await freePort();
    await assert.rejects(
      postJson(`http://localhost:${port}/`, "{}", {}, { connectTimeoutMs: 1000, timeoutMs: 1000, allowHosts: new Set() }),
      /loopback/,
    );
    await assert.rejects(
      postJson(`http://127.0.0.1:${port}/`, "{}", {}, { connectTimeoutMs: 1000, timeoutMs: 1000, allowHosts: new Set() }),
      /loopback/,
    );
    assert.equal(await t.db.webhook.count(), 0);
  });

  it("delivers every message exactly once, validly signed, after the receiver was down — two workers on one outbox", async () => {
    const port = await freePort();
    const made = await webhooks.create({ url: `http://127.0.0.1:${port}/hook`, events: ["alert", "violation"], format: "json" }, ada);
    assert.match(made.secret, /^whsec_/);
    assert.equal(JSON.stringify(await webhooks.list()).includes(made.secret), false, "the secret is shown once");
    const rx = receiver(() => made.secret);
    const N = 12;
    for (let i = 0; i < N; i++) await webhooks.emit(t.db, i % 2 ? "alert" : "violation", `event ${i}`, { i });
    assert.equal(await webhooks.emit(t.db, "risk.critical", "not subscribed", {}), 0);
    worker(opts("instance-a")).start();
    worker(opts("instance-b")).start();
    // Down: every message fails twice (connection refused, then again after its backoff) before the receiver starts.
    await until(
      async () => (await t.db.outboxMessage.count({ where: { webhookId: made.id, attempts: { gte: 2 } } })) === N,
      20_000,
      "two failed attempts each",
    );
    const recovered = Date.now();
    await rx.listen(port);
    await until(
      async () => (await t.db.outboxMessage.count({ where: { webhookId: made.id, status: "delivered" } })) === N,
      20_000,
      "all delivered",
    );
    const latency = Date.now() - recovered;
    await stopWorkers();
    await rx.close();

    const ids = rx.got.map((g) => g.delivery);
    assert.equal(ids.length, N, "received");
    assert.equal(new Set(ids).size, N, "duplicates: 0");
    assert.ok(
      rx.got.every((g) => g.signatureOk),
      "every signature verifies",
    );
    const rows = await t.db.outboxMessage.findMany({ where: { webhookId: made.id }, include: { attemptsLog: true } });
    assert.deepEqual(new Set(rows.map((r) => r.deliveryId)), new Set(ids));
    const bodies = rx.got.map((g) => JSON.parse(g.body) as { id: string; type: string; data: { i: number } });
    assert.ok(bodies.every((b, k) => b.id === ids[k] && ["alert", "violation"].includes(b.type)));
    const attempts = rows.flatMap((r) => r.attemptsLog);
    const failed = attempts.filter((a) => a.outcome === "failed");
    assert.ok(failed.length >= N && failed.every((a) => /ECONNREFUSED/.test(a.error ?? "")), "refused while down");
    assert.equal(attempts.filter((a) => a.outcome === "delivered").length, N);
    const instances = new Set(attempts.map((a) => a.instance));
    console.log(
      `# webhook delivery: ${N} messages, ${attempts.length} attempts (${failed.length} failed while down), ` +
        `all delivered ${latency} ms after recovery, by ${[...instances].join(" + ")}, duplicates 0`,
    );

    // The log, a resend (same id again) and a test event.
    const page = await webhooks.deliveries(made.id, { page: 1, page_size: 50 });
    assert.equal(page.total, N);
    assert.ok(page.items[0]!.log.some((l) => l.outcome === "delivered" && l.status_code === 200));
    const again = await webhooks.resend(made.id, page.items[0]!.id, ada);
    assert.equal(again.status, "pending");
    await webhooks.test(made.id);
    const rx2 = receiver(() => made.secret);
    await rx2.listen(port);
    const w = worker(opts("instance-a"));
    await until(async () => (await w.runOnce(), rx2.got.length === 2), 10_000, "resend and test");
    await stopWorkers();
    await rx2.close();
    assert.deepEqual(rx2.got.map((g) => g.event).sort(), ["test", page.items[0]!.event].sort());
    assert.ok(
      rx2.got.some((g) => g.delivery === page.items[0]!.delivery_id),
      "resent with the same delivery id",
    );
    assert.ok(rx2.got.every((g) => g.signatureOk));
    await webhooks.remove(made.id, ada);
  });

  it("disables a webhook after N failures in a row and tells whoever listens; enabling it sends what was held", async () => {
    let status = 500;
    const made = await webhooks.create({ url: "http://127.0.0.1:1/x", events: ["alert"], format: "slack" }, ada);
    const rx = receiver(
      () => made.secret,
      (_q, r) => {
        r.statusCode = status;
        r.end();
      },
    );
    const port = await rx.listen();
    await webhooks.update(made.id, { url: `http://127.0.0.1:${port}/x` }, ada);
    for (let i = 0; i < 3; i++) await webhooks.emit(t.db, "alert", `a${i}`, {});
    const w = worker(opts("instance-a", { maxFailures: 3, retryBaseMs: 20, retryMaxMs: 40 }));
    await until(async () => (await w.runOnce(), disabled.includes(made.id)), 10_000, "disabled");
    const hook = await t.db.webhook.findUniqueOrThrow({ where: { id: made.id } });
    assert.deepEqual([hook.enabled, hook.consecutiveFailures >= 3, hook.disabledAt !== null], [false, true, true]);
    const seen = rx.got.length;
    await w.runOnce();
    assert.equal(rx.got.length, seen, "nothing is sent while disabled");
    assert.equal(JSON.parse(rx.got[0]!.body).text.startsWith("*RiskPulse* alert: a"), true, "slack format");
    status = 204;
    await webhooks.update(made.id, { enabled: true }, ada);
    await until(
      async () => (await w.runOnce(), (await t.db.outboxMessage.count({ where: { webhookId: made.id, status: "delivered" } })) === 3),
      10_000,
      "held deliveries sent",
    );
    assert.equal((await t.db.webhook.findUniqueOrThrow({ where: { id: made.id } })).consecutiveFailures, 0);
    await stopWorkers();
    await rx.close();
    await webhooks.remove(made.id, ada);
  });

  it("follows no redirect and gives up on a receiver that does not answer in time", async () => {
    const target = receiver(() => "");
    const targetPort = await target.listen();
    const slow: http.ServerResponse[] = [];
    const rx = receiver(
      () => "",
      (req, res) => {
        if (req.url === "/redirect") {
          res.writeHead(302, { location: `http://127.0.0.1:${targetPort}/elsewhere` });
          res.end();
        } else slow.push(res); // never answered
      },
    );
    const port = await rx.listen();
    const opt = { connectTimeoutMs: 1000, timeoutMs: 500, allowHosts: allow };
    assert.equal((await postJson(`http://127.0.0.1:${port}/redirect`, "{}", {}, opt)).statusCode, 302);
    await assert.rejects(postJson(`http://127.0.0.1:${port}/slow`, "{}", {}, opt), /no response within 500 ms/);
    assert.equal(target.got.length, 0, "the redirect was not followed");
    for (const r of slow) r.end();
    await rx.close();
    await target.close();
  });
});
