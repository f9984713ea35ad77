// Alert rules over violations: N violations by one user in one UTC day raise an alert of a
// severity (ALERT_RULES, alert-rules.ts). Each rule fires at most once per user and day: the
// unique (user, rule, day) key decides, so concurrent violations cannot raise it twice.
import "server-only";
import type { Db } from "../../db/client";
import type { Prisma } from "../../db/generated/sqlite/client";
import { audit, type Actor } from "../audit";
import { NotFoundError } from "../errors";
import type { EventPublisher } from "../events";
import { pageArgs, toPage } from "../pagination";
import { startOfUtcDay, utcDay, type Clock } from "../time";
import type { AlertRule } from "./alert-rules";
import { alertDto, type AlertDto } from "./dto";
import type { AlertList } from "./schemas";

const ruleKey = (r: AlertRule) => `violations_per_day:${r.count}`;
const isUniqueViolation = (e: unknown) => (e as { code?: string })?.code === "P2002";

/**
 * Alerts: evaluate() raises each rule a user's violations today reach, at most once per user,
 * rule and day, publishing alert.raised; acknowledge() is audited and publishes alert.acknowledged.
 */
export function createAlertService(deps: { db: Db; events: EventPublisher; clock: Clock; rules: AlertRule[] }) {
  const { db, events, clock, rules } = deps;
  const withUsers = { user: { select: { name: true } }, acknowledgedBy: { select: { name: true } } } as const;

  return {
    /** After a violation: raise the alerts whose threshold the user's count today has reached. */
    async evaluate(userId: number): Promise<AlertDto[]> {
      const now = clock.now();
      const windowKey = utcDay(now);
      const count = await db.violation.count({ where: { userId, createdAt: { gte: startOfUtcDay(now) } } });
      const due = rules.filter((r) => count >= r.count);
      if (due.length === 0) return [];
      const existing = new Set(
        (await db.alert.findMany({ where: { userId, windowKey }, select: { ruleKey: true } })).map((a) => a.ruleKey),
      );
      const raised: AlertDto[] = [];
      for (const rule of due.filter((r) => !existing.has(ruleKey(r)))) {
        const label = rule.severity === "critical" ? "Critical" : "Warning";
        try {
          const a = await db.alert.create({
            data: {
              userId,
              alertType: "quota_violation",
              severity: rule.severity,
              ruleKey: ruleKey(rule),
              windowKey,
              violationCount: count,
              message: `${label}: ${count} quota violations today`,
              createdAt: now,
            },
            include: withUsers,
          });
          raised.push(alertDto(a));
        } catch (e) {
          if (!isUniqueViolation(e)) throw e; // another request raised it first: that is the point
        }
      }
      for (const alert of raised) events.publish({ type: "alert.raised", alert });
      return raised;
    },

    async acknowledge(id: number, actor: Actor): Promise<AlertDto> {
      const now = clock.now();
      const { dto, changed } = await db.$transaction(async (tx) => {
        // Only an open alert changes; an acknowledged one is answered as it is.
        const res = await tx.alert.updateMany({
          where: { id, acknowledgedAt: null },
          data: { acknowledgedAt: now, acknowledgedById: actor.id },
        });
        const a = await tx.alert.findUnique({ where: { id }, include: withUsers });
        if (!a) throw new NotFoundError("alert", id);
        if (res.count === 1)
          await audit(tx, {
            actor,
            action: "acknowledged",
            entity: "alert",
            entityId: id,
            changes: { acknowledged_at: [null, now.toISOString()] },
            at: now,
          });
        return { dto: alertDto(a), changed: res.count === 1 };
      });
      if (changed) events.publish({ type: "alert.acknowledged", alert: dto });
      return dto;
    },

    async list(q: AlertList) {
      const where: Prisma.AlertWhereInput = {
        userId: q.user_id,
        severity: q.severity,
        ...(q.status === "open" ? { acknowledgedAt: null } : q.status === "acknowledged" ? { acknowledgedAt: { not: null } } : {}),
        ...(q.since || q.until ? { createdAt: { ...(q.since ? { gte: q.since } : {}), ...(q.until ? { lte: q.until } : {}) } } : {}),
      };
      const [rows, total] = await Promise.all([
        db.alert.findMany({ where, orderBy: { id: "desc" }, include: withUsers, ...pageArgs(q) }),
        db.alert.count({ where }),
      ]);
      return toPage(rows.map(alertDto), total, q);
    },
  };
}
export type AlertService = ReturnType<typeof createAlertService>;
