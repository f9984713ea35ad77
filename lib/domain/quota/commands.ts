// Recording a command against a user's quotas. Each applicable quota is ONE atomic statement:
//   INSERT … ON CONFLICT DO UPDATE SET count = count + 1 WHERE count < limit RETURNING count
// so concurrent requests can neither lose an increment nor pass the limit (PostgreSQL re-checks
// the WHERE on the locked row; SQLite has a single writer). All of a command's increments run
// in one transaction, in a fixed order (no deadlocks), and roll back together when any quota
// refuses: a refused command is counted nowhere, recorded once, and becomes a violation.
import type { Db, Tx } from "../../db/client";
import type { EventPublisher } from "../events";
import { pageArgs, toPage } from "../pagination";
import type { Clock } from "../time";
import type { AlertService } from "./alerts";
import { violationDto, type ViolationDto } from "./dto";
import { windowStart, type Period } from "./periods";
import { effectiveQuotas } from "./quotas";
import type { ViolationList } from "./schemas";
import { throttleBand, throttleFactor } from "./throttle";

export interface CommandResult {
  allowed: boolean;
  command_type: string;
  remaining: Partial<Record<Period, number>>;
  throttle_factor: number;
  violation?: ViolationDto;
}

type Quota = { period: Period; limit: number };
class Refused {
  constructor(readonly quota: Quota) {}
}

async function increment(tx: Tx, userId: number, commandType: string, q: Quota, at: Date): Promise<number | null> {
  if (q.limit <= 0) return null;
  const rows = await tx.$queryRaw<{ count: number | bigint }[]>`
    INSERT INTO "QuotaUsage" ("userId", "commandType", "period", "windowStart", "count")
    VALUES (${userId}, ${commandType}, ${q.period}, ${windowStart(q.period, at)}, 1)
    ON CONFLICT ("userId", "commandType", "period", "windowStart")
    DO UPDATE SET "count" = "QuotaUsage"."count" + 1 WHERE "QuotaUsage"."count" < ${q.limit}
    RETURNING "count"`;
  return rows.length ? Number(rows[0].count) : null;
}

async function currentCounts(db: Db, userId: number, commandType: string, quotas: Quota[], at: Date): Promise<number[]> {
  const rows = await db.quotaUsage.findMany({
    where: { userId, commandType, OR: quotas.map((q) => ({ period: q.period, windowStart: windowStart(q.period, at) })) },
  });
  return quotas.map((q) => rows.find((r) => r.period === q.period)?.count ?? 0);
}

const factorOf = (quotas: Quota[], counts: number[]) => Math.min(1, ...quotas.map((q, i) => throttleFactor(counts[i], q.limit)));

export function createCommandService(deps: { db: Db; events: EventPublisher; clock: Clock; alerts: AlertService }) {
  const { db, events, clock, alerts } = deps;

  return {
    async execute(user: { id: number; name: string }, commandType: string): Promise<CommandResult> {
      const now = clock.now();
      const quotas = await effectiveQuotas(db, user.id, commandType);
      let counts: number[];
      let refused: Quota | null = null;
      try {
        counts = await db.$transaction(async (tx) => {
          const out: number[] = [];
          for (const q of quotas) {
            const c = await increment(tx, user.id, commandType, q, now);
            if (c === null) throw new Refused(q);
            out.push(c);
          }
          await tx.commandExecution.create({ data: { userId: user.id, commandType, allowed: true, executedAt: now } });
          return out;
        });
      } catch (e) {
        if (!(e instanceof Refused)) throw e;
        refused = e.quota;
        counts = await currentCounts(db, user.id, commandType, quotas, now);
      }
      const remaining = Object.fromEntries(quotas.map((q, i) => [q.period, Math.max(0, q.limit - counts[i])]));
      const factor = factorOf(quotas, counts);
      const result: CommandResult = { allowed: !refused, command_type: commandType, remaining, throttle_factor: factor };

      if (refused) {
        const v = await db.$transaction(async (tx) => {
          await tx.commandExecution.create({ data: { userId: user.id, commandType, allowed: false, executedAt: now } });
          return tx.violation.create({
            data: {
              userId: user.id, commandType, period: refused.period, limit: refused.limit, attempted: refused.limit + 1,
              message: `User exceeded ${refused.period} ${commandType} quota`, createdAt: now,
            },
          });
        });
        result.violation = violationDto({ ...v, user: { name: user.name } });
        events.publish({ type: "command.executed", userId: user.id, commandType, allowed: false });
        events.publish({ type: "violation.created", violation: result.violation });
        await alerts.evaluate(user.id);
        return result;
      }

      events.publish({ type: "command.executed", userId: user.id, commandType, allowed: true });
      const before = factorOf(quotas, counts.map((c) => c - 1));
      if (throttleBand(before) !== throttleBand(factor)) {
        events.publish({
          type: "throttle.changed",
          throttle: { user_id: user.id, username: user.name, command_type: commandType, throttle_factor: factor, previous_factor: before, band: throttleBand(factor) },
        });
      }
      return result;
    },

    async violations(q: ViolationList) {
      const where = { userId: q.user_id, commandType: q.command_type, ...(q.since ? { createdAt: { gte: q.since } } : {}) };
      const [rows, total] = await Promise.all([
        db.violation.findMany({ where, orderBy: { id: "desc" }, include: { user: { select: { name: true } } }, ...pageArgs(q) }),
        db.violation.count({ where }),
      ]);
      return toPage(rows.map(violationDto), total, q);
    },
  };
}
export type CommandService = ReturnType<typeof createCommandService>;
