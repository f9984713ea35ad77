// Recording a command against a user's quotas. Each applicable quota is ONE atomic statement:
//   INSERT … ON CONFLICT DO UPDATE SET count = CASE WHEN count < limit THEN count + 1 ELSE NULL END
// so concurrent requests can neither lose an increment nor pass the limit (PostgreSQL re-checks
// the row under its lock; SQLite has a single writer). At the limit the statement sets NULL,
// which violates NOT NULL and aborts: all of a command's increments and its execution record are
// written together (recorder.ts) and roll back together when any quota refuses. A refused
// command is counted nowhere, recorded once, and becomes a violation.
import "server-only";
import type { Db } from "../../db/client";
import type { Prisma } from "../../db/generated/sqlite/client";
import type { EventPublisher } from "../events";
import { pageArgs, toPage } from "../pagination";
import type { Clock } from "../time";
import type { AlertService } from "./alerts";
import { violationDto, type ViolationDto } from "./dto";
import { windowStart, type Period } from "./periods";
import type { QuotaCache } from "./quotas";
import { QuotaRefusal, type CommandRecorder, type Quota } from "./recorder";
import type { ViolationList } from "./schemas";
import { throttleBand, throttleFactor } from "./throttle";

export interface CommandResult {
  allowed: boolean;
  command_type: string;
  remaining: Partial<Record<Period, number>>;
  throttle_factor: number;
  violation?: ViolationDto;
}

async function currentCounts(db: Db, userId: number, commandType: string, quotas: Quota[], at: Date): Promise<number[]> {
  const rows = await db.quotaUsage.findMany({
    where: { userId, commandType, OR: quotas.map((q) => ({ period: q.period, windowStart: windowStart(q.period, at) })) },
  });
  return quotas.map((q) => rows.find((r) => r.period === q.period)?.count ?? 0);
}

function at<T>(xs: T[], i: number): T {
  const x = xs[i];
  if (x === undefined) throw new Error(`no element ${i}`);
  return x;
}

const factorOf = (quotas: Quota[], counts: number[]) => Math.min(1, ...quotas.map((q, i) => throttleFactor(at(counts, i), q.limit)));

/**
 * Records a command against the user's quotas (see the file comment): allowed and counted, or
 * refused and recorded as a violation (its deliveries staged in its transaction, published after
 * commit), never partly counted.
 */
export function createCommandService(deps: {
  db: Db;
  events: EventPublisher;
  clock: Clock;
  alerts: AlertService;
  quotas: QuotaCache;
  recorder: CommandRecorder;
}) {
  const { db, events, clock, alerts } = deps;

  return {
    async execute(user: { id: number; name: string }, commandType: string): Promise<CommandResult> {
      const now = clock.now();
      const quotas = await deps.quotas.effective(user.id, commandType);
      let refused: Quota | null = quotas.find((q) => q.limit <= 0) ?? null;
      let counts: number[] | null = null;
      if (!refused) {
        try {
          counts = await deps.recorder.recordAllowed(user.id, commandType, quotas, now);
        } catch (e) {
          if (!(e instanceof QuotaRefusal)) throw e;
        }
      }
      if (!counts) {
        counts = await currentCounts(db, user.id, commandType, quotas, now);
        refused ??= quotas.find((q, i) => at(counts!, i) >= q.limit) ?? at(quotas, 0);
      }
      const remaining = Object.fromEntries(quotas.map((q, i) => [q.period, Math.max(0, q.limit - at(counts!, i))]));
      const factor = factorOf(quotas, counts);
      const result: CommandResult = { allowed: !refused, command_type: commandType, remaining, throttle_factor: factor };

      if (refused) {
        const created = await db.$transaction(async (tx) => {
          await tx.commandExecution.create({ data: { userId: user.id, commandType, allowed: false, executedAt: now } });
          const v = await tx.violation.create({
            data: {
              userId: user.id,
              commandType,
              period: refused.period,
              limit: refused.limit,
              attempted: refused.limit + 1,
              message: `User exceeded ${refused.period} ${commandType} quota`,
              createdAt: now,
            },
          });
          const event = { type: "violation.created", violation: violationDto({ ...v, user: { name: user.name } }) } as const;
          await events.stage?.(tx, event); // its deliveries commit with it
          return event;
        });
        result.violation = created.violation;
        events.publish({ type: "command.executed", userId: user.id, commandType, allowed: false });
        events.publish(created);
        await alerts.evaluate(user.id);
        return result;
      }

      events.publish({ type: "command.executed", userId: user.id, commandType, allowed: true });
      const before = factorOf(
        quotas,
        counts.map((c) => c - 1),
      );
      if (throttleBand(before) !== throttleBand(factor)) {
        events.publish({
          type: "throttle.changed",
          throttle: {
            user_id: user.id,
            username: user.name,
            command_type: commandType,
            throttle_factor: factor,
            previous_factor: before,
            band: throttleBand(factor),
          },
        });
      }
      return result;
    },

    async violations(q: ViolationList) {
      const where: Prisma.ViolationWhereInput = {
        userId: q.user_id,
        commandType: q.command_type,
        period: q.period,
        ...(q.since || q.until ? { createdAt: { ...(q.since ? { gte: q.since } : {}), ...(q.until ? { lte: q.until } : {}) } } : {}),
      };
      const [rows, total] = await Promise.all([
        db.violation.findMany({ where, orderBy: { id: "desc" }, include: { user: { select: { name: true } } }, ...pageArgs(q) }),
        db.violation.count({ where }),
      ]);
      return toPage(rows.map(violationDto), total, q);
    },
  };
}
export type CommandService = ReturnType<typeof createCommandService>;
