// The outbox's delivery loop, on every instance (README "Webhooks"). Each poll picks due rows
// and claims each with a conditional UPDATE of its lease (status pending, lease free or expired):
// on PostgreSQL the row lock makes exactly one instance win, so each message is sent by one
// instance at a time; a worker that dies mid-delivery leaves a lease that expires, and another
// instance sends the message again (same delivery id: the receiver drops the duplicate).
// Failures are retried with exponential backoff and jitter until the message is 24 h old; a
// webhook whose attempts failed WEBHOOK_MAX_FAILURES times in a row is disabled (onDisabled).
// E-mail rows (channel "email") go the same way through the mailer.
import "server-only";
import { backoffDelay } from "../contract/backoff";
import type { Db, Tx } from "../db/client";
import type { OutboxMessage } from "../db/generated/sqlite/client";
import type { Clock } from "../domain/time";
import { SIGNATURE_HEADER, sign } from "../domain/webhooks/signature";
import type { Logger } from "../log";
import { postJson, type SendOptions } from "./http-sender";
import type { Mailer } from "./mailer";

export interface OutboxWorkerOptions extends SendOptions {
  instanceId: string;
  pollMs: number;
  leaseMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  maxFailures: number;
  batch?: number;
}

/** The wait before attempt `attempts + 1`: the one back-off (base × 2^(attempts−1), at most `max`), half of it jittered. */
export function backoffMs(attempts: number, baseMs: number, maxMs: number, random = Math.random): number {
  const full = backoffDelay(attempts - 1, baseMs, maxMs);
  return Math.round(full / 2 + (random() * full) / 2);
}

export function createOutboxWorker(deps: {
  db: Db;
  clock: Clock;
  log: Logger;
  opts: OutboxWorkerOptions;
  /** Sends the "email" channel's rows; without it they wait (no SMTP_URL). */
  mailer?: Mailer;
  /** Every attempt's channel, outcome and time (metrics). */
  onAttempt?: (channel: string, outcome: "delivered" | "failed", seconds: number) => void;
  /** A webhook was disabled after too many failures. */
  onDisabled?: (webhook: { id: number; url: string; failures: number }) => void;
}) {
  const { db, clock, log, opts } = deps;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;
  const hold = () => new Date(clock.now().getTime() + opts.retryMaxMs);

  async function claim(): Promise<OutboxMessage[]> {
    const now = clock.now();
    const free = { OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] };
    const due = await db.outboxMessage.findMany({
      where: { status: "pending", nextAttemptAt: { lte: now }, ...free },
      orderBy: { id: "asc" },
      take: opts.batch ?? 20,
    });
    const mine: OutboxMessage[] = [];
    for (const m of due) {
      const r = await db.outboxMessage.updateMany({
        where: { id: m.id, status: "pending", ...free },
        data: { leaseOwner: opts.instanceId, leaseUntil: new Date(now.getTime() + opts.leaseMs) },
      });
      if (r.count === 1) mine.push(m);
    }
    return mine;
  }

  /** An e-mail row: sent through SMTP, retried like a webhook (no failure count: the mail server is ours). */
  async function deliverEmail(m: OutboxMessage): Promise<void> {
    const mineOnly = { id: m.id, leaseOwner: opts.instanceId };
    if (!deps.mailer || !m.recipient) {
      await db.outboxMessage.updateMany({ where: mineOnly, data: { leaseOwner: null, leaseUntil: null, nextAttemptAt: hold() } });
      return;
    }
    const t0 = performance.now();
    let error: string | null = null;
    try {
      const { subject, text } = JSON.parse(m.body) as { subject: string; text: string };
      await deps.mailer.send({ to: m.recipient, subject, text, deliveryId: m.deliveryId });
    } catch (e) {
      error = (e as Error).message.slice(0, 500);
    }
    const { ok, attempts } = await settle(m, "email", t0, null, error);
    if (!ok) log.warn({ delivery: m.deliveryId, attempts, error }, "e-mail delivery failed");
  }

  /**
   * After one attempt at `m` (started at `t0`): counts it, then in one transaction logs the attempt
   * and settles the row — delivered, or due again after the back-off (dead past its expiry).
   * `then` runs in the same transaction (the webhook's failure count).
   */
  async function settle<T = void>(
    m: OutboxMessage,
    channel: "email" | "webhook",
    t0: number,
    statusCode: number | null,
    error: string | null,
    then?: (tx: Tx, ok: boolean, now: Date) => Promise<T>,
  ): Promise<{ ok: boolean; attempts: number; after: T | undefined }> {
    const seconds = (performance.now() - t0) / 1000;
    const ok = error === null;
    deps.onAttempt?.(channel, ok ? "delivered" : "failed", seconds);
    const now = clock.now();
    const attempts = m.attempts + 1;
    const next = new Date(now.getTime() + backoffMs(attempts, opts.retryBaseMs, opts.retryMaxMs));
    const after = await db.$transaction(async (tx) => {
      await tx.deliveryAttempt.create({
        data: {
          outboxId: m.id,
          at: now,
          instance: opts.instanceId,
          outcome: ok ? "delivered" : "failed",
          statusCode,
          latencyMs: Math.round(seconds * 1000),
          error,
        },
      });
      await tx.outboxMessage.updateMany({
        where: { id: m.id, leaseOwner: opts.instanceId },
        data: ok
          ? { status: "delivered", deliveredAt: now, attempts, leaseOwner: null, leaseUntil: null }
          : { status: next > m.expiresAt ? "dead" : "pending", attempts, nextAttemptAt: next, leaseOwner: null, leaseUntil: null },
      });
      return then?.(tx, ok, now);
    });
    return { ok, attempts, after };
  }

  async function deliver(m: OutboxMessage): Promise<void> {
    if (m.channel === "email") return deliverEmail(m);
    const w = m.webhookId === null ? null : await db.webhook.findUnique({ where: { id: m.webhookId } });
    const mineOnly = { id: m.id, leaseOwner: opts.instanceId };
    if (!w || !w.enabled) {
      // Held until the webhook is enabled again (which makes its pending rows due).
      await db.outboxMessage.updateMany({ where: mineOnly, data: { leaseOwner: null, leaseUntil: null, nextAttemptAt: hold() } });
      return;
    }
    const t0 = performance.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const unix = Math.floor(clock.now().getTime() / 1000);
      const r = await postJson(
        w.url,
        m.body,
        {
          [SIGNATURE_HEADER]: sign(w.secret, m.body, unix),
          "riskpulse-delivery": m.deliveryId,
          "idempotency-key": m.deliveryId,
          "riskpulse-event": m.event,
        },
        opts,
      );
      statusCode = r.statusCode;
      if (statusCode < 200 || statusCode > 299)
        error = statusCode >= 300 && statusCode < 400 ? `redirect ${statusCode} not followed` : `HTTP ${statusCode}`;
    } catch (e) {
      error = (e as Error).message.slice(0, 500);
    }
    const {
      ok,
      attempts,
      after: disabled,
    } = await settle(m, "webhook", t0, statusCode, error, async (tx, ok, now) => {
      if (ok) {
        await tx.webhook.updateMany({ where: { id: w.id, consecutiveFailures: { gt: 0 } }, data: { consecutiveFailures: 0 } });
        return null;
      }
      const failed = await tx.webhook.update({ where: { id: w.id }, data: { consecutiveFailures: { increment: 1 } } });
      if (failed.enabled && failed.consecutiveFailures >= opts.maxFailures) {
        await tx.webhook.update({ where: { id: w.id }, data: { enabled: false, disabledAt: now } });
        return { id: w.id, url: w.url, failures: failed.consecutiveFailures };
      }
      return null;
    });
    if (!ok) log.warn({ webhook: w.id, delivery: m.deliveryId, attempts, error }, "webhook delivery failed");
    if (disabled) {
      log.warn(disabled, "webhook disabled after failing every attempt");
      deps.onDisabled?.(disabled);
    }
  }

  async function runOnce(): Promise<number> {
    const mine = await claim();
    await Promise.all(mine.map((m) => deliver(m).catch((err: unknown) => log.error({ err, outbox: m.id }, "webhook delivery crashed"))));
    return mine.length;
  }

  return {
    /** One poll: claims what is due and delivers it; resolves with how many it attempted. */
    runOnce(): Promise<number> {
      running ??= runOnce().finally(() => (running = null));
      return running;
    },
    start() {
      if (timer) return;
      // A poll that claimed a full batch polls again at once: a backlog drains at the speed of
      // delivery rather than one batch per OUTBOX_POLL_MS.
      const drain = async () => {
        while ((await this.runOnce()) >= (opts.batch ?? 20) && timer);
      };
      timer = setInterval(() => {
        if (!running) void drain().catch((err: unknown) => log.error({ err }, "outbox poll failed"));
      }, opts.pollMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running?.catch(() => undefined);
    },
    /** Rows not yet delivered or given up, by channel (riskpulse_outbox_depth). */
    async depth(): Promise<Record<string, number>> {
      const rows = await db.outboxMessage.groupBy({ by: ["channel"], where: { status: "pending" }, _count: { _all: true } });
      return { webhook: 0, email: 0, ...Object.fromEntries(rows.map((r) => [r.channel, r._count._all])) };
    },
  };
}
export type OutboxWorker = ReturnType<typeof createOutboxWorker>;
