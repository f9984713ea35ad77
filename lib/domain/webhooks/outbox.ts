// The transactional outbox's writer: which domain events become webhook and e-mail deliveries,
// what they carry, and writing their rows in the transaction that makes the event (README
// "Webhooks": a crash can lose neither the change nor its deliveries, nor keep one without the
// other). `acceptance.requested` is staged with the acceptance request (domain/acceptances.ts);
// `mitigation.overdue` by the leader's overdue check with its claim (domain/notification-rules.ts).
import "server-only";
import type { Tx } from "../../db/client";
import type { DomainEvent, EventStager } from "../events";
import type { EmailService } from "./email";
import type { WebhookEvent, WebhookService } from "./webhooks";

/** The webhook event a domain event is, with its one-line summary and data; null for the rest. */
export function webhookEventOf(e: DomainEvent): { type: WebhookEvent; summary: string; data: unknown } | null {
  switch (e.type) {
    case "alert.raised":
      return { type: "alert", summary: e.alert.message, data: e.alert }; // "Warning: …" / "Critical: …"
    case "violation.created":
      return {
        type: "violation",
        summary: `${e.violation.username ?? `user ${e.violation.user_id}`}: ${e.violation.message}`,
        data: e.violation,
      };
    case "risk.changed":
      // Became critical: created as critical, or raised to it.
      if (e.after?.severity === "critical" && e.before?.severity !== "critical")
        return {
          type: "risk.critical",
          summary: `risk ${e.after.id} "${e.after.title}" is critical (score ${e.after.score})`,
          data: e.after,
        };
      return null;
    case "mitigation.overdue":
      return {
        type: "mitigation.overdue",
        summary: `mitigation ${e.mitigation.id} "${e.mitigation.title}" is overdue (due ${e.mitigation.due_date.slice(0, 10)})`,
        data: e.mitigation,
      };
    case "acceptance.changed": {
      if (e.change !== "requested") return null;
      const a = e.acceptance;
      return {
        type: "acceptance.requested",
        summary: `${a.requested_by?.email ?? "someone"} asks to accept risk ${a.risk_id} "${a.risk_title}" until ${a.expires_at.slice(0, 10)}`,
        data: a,
      };
    }
    default:
      return null;
  }
}

/** The plain-text body of an event's e-mail. */
export function emailText(e: { type: string; summary: string; data: unknown }): string {
  return `${e.summary}\n\nEvent: ${e.type}\n\n${JSON.stringify(e.data, null, 2)}\n\n— RiskPulse (change what you get by e-mail: PUT /api/v1/me/email-preferences)\n`;
}

/**
 * The stager the event bus calls inside each event's transaction (EventBus.stageWith): one row
 * per subscribed webhook and one per user mailed, committed with the event or not at all.
 */
export function createOutboxStager(deps: { webhooks: WebhookService; email: EmailService }): EventStager {
  return {
    async stage(tx: Tx, e: DomainEvent): Promise<void> {
      const queued = webhookEventOf(e);
      if (!queued) return;
      await deps.webhooks.emit(tx, queued.type, queued.summary, queued.data);
      if (queued.type !== "acceptance.requested")
        await deps.email.emit(tx, queued.type, queued.summary, emailText(queued), e.type === "alert.raised" ? e.alert.severity : undefined);
    },
  };
}
