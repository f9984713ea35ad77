// Alert rules over violations: N violations by one user in one UTC day raise an alert of a
// severity. Each rule fires at most once per user and day: the unique (user, rule, day) key
// decides, so concurrent violations cannot raise it twice.
import type { Db } from "../../db/client";
import { NotFoundError } from "../errors";
import type { EventPublisher } from "../events";
import { pageArgs, toPage } from "../pagination";
import { startOfUtcDay, utcDay, type Clock } from "../time";
import { alertDto, type AlertDto } from "./dto";
import type { AlertList } from "./schemas";

export interface AlertRule {
  count: number;
  severity: "warning" | "critical";
}
export const DEFAULT_ALERT_RULES: AlertRule[] = [
  { count: 3, severity: "warning" },
  { count: 5, severity: "critical" },
];

/** "3:warning,5:critical" → rules; throws on anything else. */
export function parseAlertRules(spec: string): AlertRule[] {
  return spec.split(",").map((part) => {
    const m = /^\s*(\d+)\s*:\s*(warning|critical)\s*$/.exec(part);
    if (!m || Number(m[1]) < 1) throw new Error(`ALERT_RULES: "${part}" is not <count>:<warning|critical>`);
    return { count: Number(m[1]), severity: m[2] as AlertRule["severity"] };
  });
}

const ruleKey = (r: AlertRule) => `violations_per_day:${r.count}`;
const isUniqueViolation = (e: unknown) => (e as { code?: string })?.code === "P2002";

export function createAlertService(deps: { db: Db; events: EventPublisher; clock: Clock; rules: AlertRule[] }) {
  const { db, events, clock, rules } = deps;
  const withUser = { user: { select: { name: true } } } as const;

  return {
    /** After a violation: raise the alerts whose threshold the user's count today has reached. */
    async evaluate(userId: number): Promise<AlertDto[]> {
      const now = clock.now();
      const windowKey = utcDay(now);
      const count = await db.violation.count({ where: { userId, createdAt: { gte: startOfUtcDay(now) } } });
      const due = rules.filter((r) => count >= r.count);
      if (due.length === 0) return [];
      const existing = new Set((await db.alert.findMany({ where: { userId, windowKey }, select: { ruleKey: true } })).map((a) => a.ruleKey));
      const raised: AlertDto[] = [];
      for (const rule of due.filter((r) => !existing.has(ruleKey(r)))) {
        const label = rule.severity === "critical" ? "Critical" : "Warning";
        try {
          const a = await db.alert.create({
            data: { userId, alertType: "quota_violation", severity: rule.severity, ruleKey: ruleKey(rule), windowKey, violationCount: count, message: `${label}: ${count} quota violations today` },
            include: withUser,
          });
          raised.push(alertDto(a));
        } catch (e) {
          if (!isUniqueViolation(e)) throw e; // another request raised it first: that is the point
        }
      }
      for (const alert of raised) events.publish({ type: "alert.raised", alert });
      return raised;
    },

    async acknowledge(id: number, adminId: number): Promise<AlertDto> {
      const a = await db.alert.findUnique({ where: { id }, include: withUser });
      if (!a) throw new NotFoundError("alert", id);
      if (a.acknowledgedAt) return alertDto(a);
      const updated = await db.alert.update({ where: { id }, data: { acknowledgedAt: clock.now(), acknowledgedById: adminId }, include: withUser });
      const dto = alertDto(updated);
      events.publish({ type: "alert.acknowledged", alert: dto });
      return dto;
    },

    async list(q: AlertList) {
      const where = {
        userId: q.user_id,
        severity: q.severity,
        ...(q.status === "open" ? { acknowledgedAt: null } : q.status === "acknowledged" ? { acknowledgedAt: { not: null } } : {}),
      };
      const [rows, total] = await Promise.all([
        db.alert.findMany({ where, orderBy: { id: "desc" }, include: withUser, ...pageArgs(q) }),
        db.alert.count({ where }),
      ]);
      return toPage(rows.map(alertDto), total, q);
    },
  };
}
export type AlertService = ReturnType<typeof createAlertService>;
