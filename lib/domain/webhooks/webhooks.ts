// Outgoing webhooks (README "Webhooks"): admins register a URL for some events; each event
// becomes one row per subscribed webhook in the outbox (OutboxMessage), which lib/delivery
// delivers, signed, with retries. Here: the registrations (audited, the URL checked against the
// SSRF guard), turning events into outbox rows, the delivery log, resending and test events.
import "server-only";
import crypto from "node:crypto";
import { z } from "zod";
import type { Db, Tx } from "../../db/client";
import type { OutboxMessage, Webhook } from "../../db/generated/sqlite/client";
import { audit, changedFields, type Actor } from "../audit";
import { NotFoundError, ValidationError } from "../errors";
import { pageArgs, pageQuery, toPage } from "../pagination";
import type { Clock } from "../time";
import { BlockedTarget, checkTarget } from "./ssrf";
import { newSecret } from "./signature";

/** What a webhook can subscribe to. `acceptance.requested` is accepted but never sent yet: risks have no acceptances. */
export const WEBHOOK_EVENTS = ["alert", "violation", "risk.critical", "acceptance.requested", "mitigation.overdue"] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
const MAX_AGE_MS = 24 * 60 * 60_000;

const webhookUrl = z
  .string()
  .trim()
  .max(2000)
  .pipe(z.url({ protocol: /^https?$/, error: "url: an http:// or https:// URL" }));

export const webhookCreateSchema = z.strictObject({
  url: webhookUrl,
  events: z
    .array(z.enum(WEBHOOK_EVENTS))
    .min(1)
    .max(WEBHOOK_EVENTS.length)
    .refine((e) => new Set(e).size === e.length, "events: each at most once"),
  format: z.enum(["json", "slack"]).default("json"),
});
export const webhookPatchSchema = z.strictObject({
  url: webhookUrl.optional(),
  events: webhookCreateSchema.shape.events.optional(),
  format: z.enum(["json", "slack"]).optional(),
  /** true: enabled again after it was disabled; its held deliveries are sent. */
  enabled: z.boolean().optional(),
});
export const deliveryListSchema = z.object({ ...pageQuery });

export interface WebhookDto {
  id: number;
  url: string;
  events: WebhookEvent[];
  format: "json" | "slack";
  enabled: boolean;
  consecutive_failures: number;
  disabled_at: string | null;
  created_at: string;
}

/** A webhook as its creation answers it: the one time its signing secret is shown. */
export interface WebhookCreated extends WebhookDto {
  secret: string;
}
export interface DeliveryDto {
  id: number;
  delivery_id: string;
  event: string;
  status: "pending" | "delivered" | "dead";
  attempts: number;
  next_attempt_at: string | null;
  created_at: string;
  delivered_at: string | null;
  /** Every attempt, oldest first: outcome, response code, latency, error. */
  log: { at: string; outcome: string; status_code: number | null; latency_ms: number; error: string | null }[];
}

function webhookDto(w: Webhook): WebhookDto {
  return {
    id: w.id,
    url: w.url,
    events: JSON.parse(w.events) as WebhookEvent[],
    format: w.format === "slack" ? "slack" : "json",
    enabled: w.enabled,
    consecutive_failures: w.consecutiveFailures,
    disabled_at: w.disabledAt?.toISOString() ?? null,
    created_at: w.createdAt.toISOString(),
  };
}

type WithLog = OutboxMessage & {
  attemptsLog: { at: Date; outcome: string; statusCode: number | null; latencyMs: number; error: string | null }[];
};
function deliveryDto(m: WithLog): DeliveryDto {
  return {
    id: m.id,
    delivery_id: m.deliveryId,
    event: m.event,
    status: m.status === "delivered" ? "delivered" : m.status === "dead" ? "dead" : "pending",
    attempts: m.attempts,
    next_attempt_at: m.status === "pending" ? m.nextAttemptAt.toISOString() : null,
    created_at: m.createdAt.toISOString(),
    delivered_at: m.deliveredAt?.toISOString() ?? null,
    log: m.attemptsLog.map((a) => ({
      at: a.at.toISOString(),
      outcome: a.outcome,
      status_code: a.statusCode,
      latency_ms: a.latencyMs,
      error: a.error,
    })),
  };
}

/** A delivery's body: the event as JSON, or a Slack message (`text`) for Slack's incoming webhooks. */
export function webhookBody(format: string, e: { id: string; type: string; createdAt: Date; summary: string; data: unknown }): string {
  if (format === "slack") return JSON.stringify({ text: `*RiskPulse* ${e.type}: ${e.summary}` });
  return JSON.stringify({ id: e.id, type: e.type, created_at: e.createdAt.toISOString(), summary: e.summary, data: e.data });
}

export function createWebhookService(deps: { db: Db; clock: Clock; allowHosts: ReadonlySet<string> }) {
  const { db, clock } = deps;
  const find = async (id: number) => {
    const w = await db.webhook.findUnique({ where: { id } });
    if (!w) throw new NotFoundError("webhook", id);
    return w;
  };
  async function guard(url: string) {
    try {
      await checkTarget(new URL(url), deps.allowHosts);
    } catch (e) {
      const message = e instanceof BlockedTarget ? e.message : `${new URL(url).hostname} does not resolve: ${(e as Error).message}`;
      throw new ValidationError(
        "validation failed",
        [{ field: "url", message }],
        e instanceof BlockedTarget ? "blocked_target" : undefined,
      );
    }
  }
  const auditable = (d: WebhookDto) => ({ url: d.url, events: d.events, format: d.format, enabled: d.enabled });

  /** One outbox row per webhook; the body is fixed now (signed as it is at each attempt). */
  async function enqueueFor(tx: Db | Tx, hooks: Webhook[], type: string, summary: string, data: unknown): Promise<number> {
    if (hooks.length === 0) return 0;
    const now = clock.now();
    await tx.outboxMessage.createMany({
      data: hooks.map((w) => {
        const id = crypto.randomUUID();
        return {
          channel: "webhook",
          webhookId: w.id,
          event: type,
          deliveryId: id,
          body: webhookBody(w.format, { id, type, createdAt: now, summary, data }),
          nextAttemptAt: now,
          expiresAt: new Date(now.getTime() + MAX_AGE_MS),
          createdAt: now,
        };
      }),
    });
    return hooks.length;
  }

  return {
    async create(input: z.infer<typeof webhookCreateSchema>, actor: Actor): Promise<WebhookCreated> {
      await guard(input.url);
      const at = clock.now();
      const secret = newSecret();
      const w = await db.$transaction(async (tx) => {
        const row = await tx.webhook.create({
          data: { url: input.url, events: JSON.stringify(input.events), format: input.format, secret, createdAt: at },
        });
        await audit(tx, {
          actor,
          action: "created",
          entity: "webhook",
          entityId: row.id,
          changes: changedFields(null, auditable(webhookDto(row))),
          at,
        });
        return row;
      });
      return { ...webhookDto(w), secret };
    },

    async list(): Promise<{ items: WebhookDto[] }> {
      return { items: (await db.webhook.findMany({ orderBy: { id: "asc" } })).map(webhookDto) };
    },

    async update(id: number, patch: z.infer<typeof webhookPatchSchema>, actor: Actor): Promise<WebhookDto> {
      if (patch.url) await guard(patch.url);
      const at = clock.now();
      return db.$transaction(async (tx) => {
        const prev = await tx.webhook.findUnique({ where: { id } });
        if (!prev) throw new NotFoundError("webhook", id);
        const enabling = patch.enabled === true && !prev.enabled;
        const row = await tx.webhook.update({
          where: { id },
          data: {
            url: patch.url,
            events: patch.events ? JSON.stringify(patch.events) : undefined,
            format: patch.format,
            enabled: patch.enabled,
            ...(enabling ? { consecutiveFailures: 0, disabledAt: null } : patch.enabled === false ? { disabledAt: at } : {}),
          },
        });
        // Deliveries held while it was off go out now.
        if (enabling) await tx.outboxMessage.updateMany({ where: { webhookId: id, status: "pending" }, data: { nextAttemptAt: at } });
        const changes = changedFields(auditable(webhookDto(prev)), auditable(webhookDto(row)));
        if (Object.keys(changes).length) await audit(tx, { actor, action: "updated", entity: "webhook", entityId: id, changes, at });
        return webhookDto(row);
      });
    },

    async remove(id: number, actor: Actor): Promise<void> {
      const at = clock.now();
      await db.$transaction(async (tx) => {
        const prev = await tx.webhook.findUnique({ where: { id } });
        if (!prev) throw new NotFoundError("webhook", id);
        await tx.webhook.delete({ where: { id } });
        await audit(tx, {
          actor,
          action: "deleted",
          entity: "webhook",
          entityId: id,
          changes: changedFields(auditable(webhookDto(prev)), null),
          at,
        });
      });
    },

    /** The delivery log of one webhook, newest first, each with its attempts. */
    async deliveries(id: number, q: z.infer<typeof deliveryListSchema>) {
      await find(id);
      const where = { webhookId: id };
      const [rows, total] = await Promise.all([
        db.outboxMessage.findMany({ where, orderBy: { id: "desc" }, include: { attemptsLog: { orderBy: { id: "asc" } } }, ...pageArgs(q) }),
        db.outboxMessage.count({ where }),
      ]);
      return toPage(rows.map(deliveryDto), total, q);
    },

    /** Sends a delivery again (same body and delivery id, so a receiver that has it drops it): due now, for another 24 h. */
    async resend(webhookId: number, outboxId: number, actor: Actor): Promise<DeliveryDto> {
      const at = clock.now();
      return db.$transaction(async (tx) => {
        const m = await tx.outboxMessage.findFirst({ where: { id: outboxId, webhookId } });
        if (!m) throw new NotFoundError("delivery", outboxId);
        const row = await tx.outboxMessage.update({
          where: { id: outboxId },
          data: {
            status: "pending",
            nextAttemptAt: at,
            expiresAt: new Date(at.getTime() + MAX_AGE_MS),
            leaseOwner: null,
            leaseUntil: null,
          },
          include: { attemptsLog: { orderBy: { id: "asc" } } },
        });
        await audit(tx, {
          actor,
          action: "resent",
          entity: "webhook",
          entityId: webhookId,
          changes: { delivery: [null, m.deliveryId] },
          at,
        });
        return deliveryDto(row);
      });
    },

    /** A `test` event to one webhook, through the outbox like any other. */
    async test(id: number): Promise<{ queued: number }> {
      const w = await find(id);
      return { queued: await enqueueFor(db, [w], "test", "a test event", { webhook_id: id }) };
    },

    /**
     * An event for every enabled webhook subscribed to it, written in `tx` (the event's own
     * transaction: lib/domain/webhooks/outbox.ts). Returns how many deliveries were queued.
     */
    async emit(tx: Db | Tx, type: WebhookEvent, summary: string, data: unknown): Promise<number> {
      const hooks = (await tx.webhook.findMany({ where: { enabled: true } })).filter((w) =>
        (JSON.parse(w.events) as string[]).includes(type),
      );
      return enqueueFor(tx, hooks, type, summary, data);
    },
  };
}
export type WebhookService = ReturnType<typeof createWebhookService>;
