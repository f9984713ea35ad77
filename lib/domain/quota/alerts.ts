// Alerts: raised by the alert rules (alert-rules.ts) and acknowledged by admins.
// Violation rules are evaluated when a violation is recorded, by the instance that recorded it;
// utilisation, throttle and system rules on the leader's stats tick, once for the cluster.
// A rule alerts again for the same subject (a user, or the system) only after its cooldown: the
// claim is a row per rule and subject whose `until` is moved forward in a locked transaction
// (LOCKS.alertClaims), so concurrent violations on several instances raise one alert.
import "server-only";
import type { Db } from "../../db/client";
import type { Prisma } from "../../db/generated/sqlite/client";
import { LOCKS, lockedTransaction } from "../../db/locks";
import type { DbFlavor } from "../../db/url";
import { audit, type Actor } from "../audit";
import { NotFoundError } from "../errors";
import type { EventPublisher } from "../events";
import { pageArgs, toPage } from "../pagination";
import type { Clock } from "../time";
import type { AlertRuleDto } from "./alert-rules";
import { alertDto, type AlertDto } from "./dto";
import type { AlertList } from "./schemas";
import type { SystemLoad, UsageRow } from "./stats";

/** Where the enabled rules come from (the rule service, cached). */
export interface AlertRuleSource {
  enabled(): Promise<AlertRuleDto[]>;
}

const MINUTE = 60_000;
const label = (r: AlertRuleDto) => (r.severity === "critical" ? "Critical" : "Warning");
const applies = (r: AlertRuleDto, userId: number) => r.user_id === null || r.user_id === userId;
const span = (minutes: number) =>
  minutes % 1440 === 0
    ? `${minutes / 1440} day${minutes === 1440 ? "" : "s"}`
    : minutes % 60 === 0
      ? `${minutes / 60} h`
      : `${minutes} min`;

interface Raise {
  rule: AlertRuleDto;
  subject: string;
  userId: number | null;
  alertType: string;
  message: string;
  violationCount: number;
}

/**
 * Alerts: evaluate() raises the violation rules a user's violations reach, evaluateTick() the
 * utilisation, throttle and system rules (the leader's stats tick), each at most once per rule
 * and subject within its cooldown, publishing alert.raised; acknowledge() is audited and
 * publishes alert.acknowledged.
 */
export function createAlertService(deps: { db: Db; flavor: DbFlavor; events: EventPublisher; clock: Clock; rules: AlertRuleSource }) {
  const { db, flavor, events, clock } = deps;
  const withUsers = { user: { select: { name: true } }, acknowledgedBy: { select: { name: true } } } as const;
  /** Claims in flight in this process, by rule and subject: a burst of violations waits on one. */
  const claiming = new Map<string, Promise<AlertDto | null>>();
  /** Since when each (rule, subject) of a sustained rule has been over its threshold (the leader's memory). */
  let sustained = new Map<string, number>();

  /** Raises `r` unless its rule is in cooldown for the subject; null when it was. */
  function raise(r: Raise, now: Date): Promise<AlertDto | null> {
    const key = `${r.rule.id}|${r.subject}`;
    const running = claiming.get(key);
    if (running) return running.then(() => null);
    const p = (async () => {
      const where = { ruleId_subject: { ruleId: r.rule.id, subject: r.subject } };
      const seen = await db.alertCooldown.findUnique({ where });
      if (seen && seen.until > now) return null; // the common case of a burst: no lock taken
      return lockedTransaction(db, flavor, LOCKS.alertClaims, async (tx) => {
        const held = await tx.alertCooldown.findUnique({ where });
        if (held && held.until > now) return null;
        if (!(await tx.alertRule.findUnique({ where: { id: r.rule.id }, select: { id: true } }))) return null; // deleted meanwhile
        const until = new Date(now.getTime() + r.rule.cooldown_minutes * MINUTE);
        await tx.alertCooldown.upsert({ where, create: { ruleId: r.rule.id, subject: r.subject, until }, update: { until } });
        const a = await tx.alert.create({
          data: {
            userId: r.userId,
            ruleId: r.rule.id,
            alertType: r.alertType,
            severity: r.rule.severity,
            ruleKey: `rule:${r.rule.id}`,
            windowKey: now.toISOString(),
            violationCount: r.violationCount,
            message: r.message,
            createdAt: now,
          },
          include: withUsers,
        });
        const alert = alertDto(a);
        await events.stage?.(tx, { type: "alert.raised", alert }); // its deliveries commit with it
        return alert;
      });
    })().finally(() => claiming.delete(key));
    claiming.set(key, p);
    return p;
  }

  async function raiseAll(due: Raise[], now: Date): Promise<AlertDto[]> {
    const raised = (await Promise.all(due.map((d) => raise(d, now)))).filter((a): a is AlertDto => a !== null);
    for (const alert of raised) events.publish({ type: "alert.raised", alert });
    return raised;
  }

  /** Whether (rule, subject) has been over its threshold for the rule's minutes, as of this tick. */
  function heldLongEnough(next: Map<string, number>, rule: AlertRuleDto & { minutes: number }, subject: string, now: number): boolean {
    const key = `${rule.id}|${subject}`;
    const since = sustained.get(key) ?? now;
    next.set(key, since);
    return now - since >= rule.minutes * MINUTE;
  }

  return {
    /** After a violation: raise the violation rules whose count the user has reached in their window. */
    async evaluate(userId: number): Promise<AlertDto[]> {
      const rules = (await deps.rules.enabled()).filter(
        (r): r is Extract<AlertRuleDto, { kind: "violations" }> => r.kind === "violations" && applies(r, userId),
      );
      if (rules.length === 0) return [];
      const now = clock.now();
      const counts = new Map<number, number>();
      for (const w of new Set(rules.map((r) => r.window_minutes)))
        counts.set(w, await db.violation.count({ where: { userId, createdAt: { gt: new Date(now.getTime() - w * MINUTE) } } }));
      const due = rules.flatMap((rule) => {
        const count = counts.get(rule.window_minutes) ?? 0;
        if (count < rule.count) return [];
        const message = `${label(rule)}: ${count} quota violations in ${rule.window_minutes === 1440 ? "a day" : span(rule.window_minutes)}`;
        return [{ rule, subject: `user:${userId}`, userId, alertType: "quota_violation", message, violationCount: count }];
      });
      return raiseAll(due, now);
    },

    /**
     * The leader's stats tick: utilisation, throttle and system rules against the current
     * windows and the server's load. Sustained conditions are timed from the first tick that saw
     * them on this leader (a new leader starts timing afresh).
     */
    async evaluateTick(facts: { usage: UsageRow[]; load: SystemLoad }): Promise<AlertDto[]> {
      const rules = (await deps.rules.enabled()).filter((r) => r.kind !== "violations");
      const now = clock.now();
      const next = new Map<string, number>();
      const users = new Map<number, { name: string; top: UsageRow; factor: number }>();
      for (const u of facts.usage) {
        const cur = users.get(u.user_id);
        if (!cur) users.set(u.user_id, { name: u.username, top: u, factor: u.throttle_factor });
        else {
          if (u.utilization > cur.top.utilization) cur.top = u;
          cur.factor = Math.min(cur.factor, u.throttle_factor);
        }
      }
      const due: Raise[] = [];
      for (const rule of rules) {
        if (rule.kind === "system") {
          const value = rule.resource === "cpu" ? facts.load.cpu_percent : facts.load.memory_percent;
          if (value > rule.percent && heldLongEnough(next, rule, "system", now.getTime()))
            due.push({
              rule,
              subject: "system",
              userId: null,
              alertType: "high_system_load",
              message: `${label(rule)}: ${rule.resource === "cpu" ? "CPU" : "memory"} at ${Math.round(value)} % (above ${rule.percent} % for ${span(rule.minutes)})`,
              violationCount: 0,
            });
          continue;
        }
        for (const [userId, u] of users) {
          if (!applies(rule, userId)) continue;
          const subject = `user:${userId}`;
          if (rule.kind === "utilization" && u.top.utilization * 100 >= rule.percent)
            due.push({
              rule,
              subject,
              userId,
              alertType: "high_utilization",
              message: `${label(rule)}: ${Math.round(u.top.utilization * 100)} % of the ${u.top.period} ${u.top.command_type} quota used`,
              violationCount: 0,
            });
          else if (rule.kind === "throttle" && u.factor < rule.factor && heldLongEnough(next, rule, subject, now.getTime()))
            due.push({
              rule,
              subject,
              userId,
              alertType: "sustained_throttling",
              message: `${label(rule)}: throttled to ${u.factor} (below ${rule.factor} for ${span(rule.minutes)})`,
              violationCount: 0,
            });
        }
      }
      sustained = next;
      return raiseAll(due, now);
    },

    /** An alert about the service itself (no rule, no user), e.g. a webhook that was disabled. */
    async raiseSystem(alertType: string, message: string): Promise<AlertDto> {
      const dto = await db.$transaction(async (tx) => {
        const a = await tx.alert.create({
          data: {
            alertType,
            severity: "critical",
            ruleKey: alertType,
            windowKey: clock.now().toISOString(),
            violationCount: 0,
            message,
            createdAt: clock.now(),
          },
          include: withUsers,
        });
        const alert = alertDto(a);
        await events.stage?.(tx, { type: "alert.raised", alert });
        return alert;
      });
      events.publish({ type: "alert.raised", alert: dto });
      return dto;
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
