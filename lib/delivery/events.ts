// Which domain events become webhook events, and what they carry. `mitigation.overdue` has no
// source yet (no overdue check): webhooks may subscribe to it, nothing sends it.
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
