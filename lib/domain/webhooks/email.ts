// E-mail notifications (README "E-mail"): which events and severities each user gets by mail,
// and turning an event into one outbox row per recipient (channel "email"), delivered and retried
// like webhooks (lib/delivery). Alerts and violations are admin business: only admins get them.
import "server-only";
import crypto from "node:crypto";
import { z } from "zod";
import type { Db, Tx } from "../../db/client";
import type { Clock } from "../time";

export const EMAIL_EVENTS = ["alert", "violation", "risk.critical", "mitigation.overdue"] as const;
export type EmailEvent = (typeof EMAIL_EVENTS)[number];
const ADMIN_ONLY: ReadonlySet<EmailEvent> = new Set(["alert", "violation"]);
const MAX_AGE_MS = 24 * 60 * 60_000;

export const emailPreferencesSchema = z.strictObject({
  events: z.array(z.enum(EMAIL_EVENTS)).max(EMAIL_EVENTS.length),
  /** The alert severities mailed (other events have none). */
  severities: z.array(z.enum(["warning", "critical"])).max(2),
});
export type EmailPreferences = z.infer<typeof emailPreferencesSchema>;

/** Until a user chooses: admins get every alert, analysts nothing. */
const defaults = (role: string): EmailPreferences =>
  role === "admin" ? { events: ["alert"], severities: ["warning", "critical"] } : { events: [], severities: [] };

export function createEmailService(deps: { db: Db; clock: Clock; enabled: boolean }) {
  const { db, clock } = deps;
  const parse = (row: { events: string; severities: string } | null, role: string): EmailPreferences =>
    row
      ? { events: JSON.parse(row.events) as EmailEvent[], severities: JSON.parse(row.severities) as EmailPreferences["severities"] }
      : defaults(role);

  return {
    async get(user: { userId: number; role: string }): Promise<EmailPreferences & { mail_configured: boolean }> {
      const row = await db.emailPreference.findUnique({ where: { userId: user.userId } });
      return { ...parse(row, user.role), mail_configured: deps.enabled };
    },

    async set(user: { userId: number; role: string }, input: EmailPreferences): Promise<EmailPreferences & { mail_configured: boolean }> {
      const clean = { events: [...new Set(input.events)], severities: [...new Set(input.severities)] };
      const data = { events: JSON.stringify(clean.events), severities: JSON.stringify(clean.severities), updatedAt: clock.now() };
      await db.emailPreference.upsert({ where: { userId: user.userId }, create: { userId: user.userId, ...data }, update: data });
      return { ...clean, mail_configured: deps.enabled };
    },

    /**
     * One mail per user who asked for `event` (and `severity`, for alerts), written in `tx` (the
     * event's own transaction). Returns how many were queued.
     */
    async emit(tx: Db | Tx, event: EmailEvent, subject: string, text: string, severity?: "warning" | "critical"): Promise<number> {
      if (!deps.enabled) return 0;
      const users = await tx.user.findMany({
        where: { disabled: false, ...(ADMIN_ONLY.has(event) ? { role: "admin" } : {}) },
        select: { id: true, email: true, role: true, emailPreference: true },
      });
      const to = users.filter((u) => {
        const p = parse(u.emailPreference, u.role);
        return p.events.includes(event) && (severity === undefined || p.severities.includes(severity));
      });
      if (to.length === 0) return 0;
      const now = clock.now();
      await tx.outboxMessage.createMany({
        data: to.map((u) => ({
          channel: "email",
          recipient: u.email,
          event,
          deliveryId: crypto.randomUUID(),
          body: JSON.stringify({ subject: `[RiskPulse] ${subject}`, text }),
          nextAttemptAt: now,
          expiresAt: new Date(now.getTime() + MAX_AGE_MS),
          createdAt: now,
        })),
      });
      return to.length;
    },
  };
}
export type EmailService = ReturnType<typeof createEmailService>;
