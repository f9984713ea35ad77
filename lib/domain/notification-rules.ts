// Who is notified of what (README "Notifications"): the owner of a risk or mitigation someone
// else assigned to them, the owner of a mitigation that became overdue, every admin of an alert.
// The overdue check runs on the leader's tick and claims each mitigation once per due date in
// the database (a conditional UPDATE, in the transaction that stages its webhook and e-mail rows),
// so a cluster sends one notice — and one `mitigation.overdue` event — however many instances look.
import "server-only";
import type { Db } from "../db/client";
import type { Origin } from "./bus";
import type { DomainEvent, EventPublisher } from "./events";
import type { NotificationService } from "./notifications";
import type { Clock } from "./time";

/** How many newly overdue mitigations one tick claims (the rest wait for the next tick). */
const OVERDUE_BATCH = 100;

/**
 * Claims the open mitigations past their due date that were not yet announced for that date, and
 * publishes `mitigation.overdue` for each one this call claimed. Returns how many.
 */
export async function checkOverdue(deps: { db: Db; clock: Clock; events: EventPublisher }): Promise<number> {
  const { db, events } = deps;
  const now = deps.clock.now();
  // Unclaimed only: a claim holds the due date it was made for, and a new due date clears it.
  const due = await db.mitigation.findMany({
    where: { status: { not: "completed" }, dueDate: { lt: now }, overdueNotifiedFor: null },
    select: { id: true, riskId: true, title: true, dueDate: true, status: true, ownerId: true },
    orderBy: { dueDate: "desc" },
    take: OVERDUE_BATCH,
  });
  let claimed = 0;
  for (const m of due) {
    const event = {
      type: "mitigation.overdue",
      mitigation: {
        id: m.id,
        risk_id: m.riskId,
        title: m.title,
        due_date: m.dueDate.toISOString(),
        status: m.status,
        owner_id: m.ownerId,
      },
    } as const;
    // Only the instance whose UPDATE still finds it unclaimed announces it; its webhook and
    // e-mail rows commit with the claim (or neither does).
    const won = await db.$transaction(async (tx) => {
      const { count } = await tx.mitigation.updateMany({
        where: { id: m.id, dueDate: m.dueDate, status: { not: "completed" }, overdueNotifiedFor: null },
        data: { overdueNotifiedFor: m.dueDate },
      });
      if (count === 1) await events.stage?.(tx, event);
      return count === 1;
    });
    if (!won) continue;
    claimed++;
    events.publish(event);
  }
  return claimed;
}

/**
 * The bus listener that turns this instance's events into notifications (each event is made on
 * one instance, so each notice is written once).
 */
export function notificationRules(notifications: NotificationService, onError: (err: unknown, event: string) => void) {
  return (e: DomainEvent, origin: Origin): void => {
    if (origin !== "local") return;
    const failed = (err: unknown) => onError(err, e.type);
    switch (e.type) {
      case "owner.assigned":
        notifications
          .notify(e.ownerId, {
            kind: "assigned",
            title: `You now own ${e.entity} ${e.id}: "${e.title}"`,
            link: `/risks/${e.riskId}`,
            riskId: e.riskId,
            mitigationId: e.entity === "mitigation" ? e.id : null,
          })
          .catch(failed);
        break;
      case "mitigation.overdue":
        if (e.mitigation.owner_id !== null)
          notifications
            .notify(e.mitigation.owner_id, {
              kind: "mitigation_overdue",
              title: `Overdue: mitigation ${e.mitigation.id} "${e.mitigation.title}"`,
              body: `It was due ${e.mitigation.due_date.slice(0, 10)}.`,
              link: `/risks/${e.mitigation.risk_id}`,
              riskId: e.mitigation.risk_id,
              mitigationId: e.mitigation.id,
            })
            .catch(failed);
        break;
      case "acceptance.changed": {
        const a = e.acceptance;
        const requester = a.requested_by?.id;
        if (requester === undefined) break; // the requester's account was deleted: nobody to tell
        const about = { riskId: a.risk_id, riskTitle: a.risk_title, requestedBy: requester, note: a.decision_note ?? a.justification };
        if (e.change === "requested") notifications.acceptanceRequested(about).catch(failed);
        else if ((e.change === "approved" || e.change === "rejected") && a.decided_by)
          notifications.acceptanceDecided({ ...about, decidedBy: a.decided_by.id, approved: e.change === "approved" }).catch(failed);
        else if (e.change === "expired")
          notifications
            .notify(requester, {
              kind: "acceptance_decided",
              title: `Acceptance expired: risk ${a.risk_id} "${a.risk_title}"`,
              body: "Its treatment is open again.",
              link: `/risks/${a.risk_id}`,
              riskId: a.risk_id,
            })
            .catch(failed);
        break;
      }
      case "alert.raised":
        notifications
          .notifyAdmins({ kind: "alert", title: e.alert.message, link: "/admin/alerts", alertId: e.alert.alert_id })
          .catch(failed);
        break;
    }
  };
}
