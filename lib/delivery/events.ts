// Which domain events become webhook events, and what they carry. `acceptance.requested` has no
// source yet (risks have no acceptances): webhooks may subscribe to it, nothing sends it.
// `mitigation.overdue` comes from the leader's overdue check (domain/notification-rules.ts).
import type { DomainEvent } from "../domain/events";
import type { WebhookEvent } from "../domain/webhooks/webhooks";

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
    default:
      return null;
  }
}

/** The plain-text body of an event's e-mail. */
export function emailText(e: { type: string; summary: string; data: unknown }): string {
  return `${e.summary}\n\nEvent: ${e.type}\n\n${JSON.stringify(e.data, null, 2)}\n\n— RiskPulse (change what you get by e-mail: PUT /api/v1/me/email-preferences)\n`;
}
