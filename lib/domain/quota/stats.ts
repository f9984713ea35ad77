// The quota console's figures: stats (pushed every 5 s) and per-user utilisation. Counts are
// index range scans over today's rows; utilisation reads only the current windows' counters.
import "server-only";
import type { Db } from "../../db/client";
import { startOfUtcDay, type Clock } from "../time";
import { PERIODS, windowStart } from "./periods";
import { limitResolver } from "./quotas";
import { HIGH_UTILIZATION, throttleFactor } from "./throttle";

export interface SystemLoad {
  cpu_percent: number;
  memory_percent: number;
}

export interface QuotaStats {
  total_users: number;
  commands_today: number;
  system_load: SystemLoad;
  average_throttle_factor: number;
  violations_today: number;
  high_utilization_count: number;
}

export interface UsageRow {
  user_id: number;
  username: string;
  command_type: string;
  period: string;
  used: number;
  limit: number;
  utilization: number;
  throttle_factor: number;
}

/** Every counter of a current window with its effective limit, most utilised first. */
export async function currentUsage(db: Db, clock: Clock): Promise<UsageRow[]> {
  const now = clock.now();
  const [usage, quotas] = await Promise.all([
    db.quotaUsage.findMany({ where: { OR: PERIODS.map((p) => ({ period: p, windowStart: windowStart(p, now) })) } }),
    db.commandQuota.findMany(),
  ]);
  const limitOf = limitResolver(quotas);
  const names = new Map(
    (await db.user.findMany({ where: { id: { in: [...new Set(usage.map((u) => u.userId))] } }, select: { id: true, name: true } })).map(
      (u) => [u.id, u.name],
    ),
  );
  return usage
    .flatMap((u) => {
      const limit = limitOf(u.userId, u.commandType, u.period);
      if (limit === undefined) return []; // the quota was removed
      return [
        {
          user_id: u.userId,
          username: names.get(u.userId) ?? `user ${u.userId}`,
          command_type: u.commandType,
          period: u.period,
          used: u.count,
          limit,
          utilization: limit > 0 ? Math.round((u.count / limit) * 1000) / 1000 : 1,
          throttle_factor: throttleFactor(u.count, limit),
        },
      ];
    })
    .sort((a, b) => b.utilization - a.utilization || a.user_id - b.user_id);
}

/** The quota console's `stats` as of now: today's counts, the current windows' utilisation and the system load. */
export async function computeQuotaStats(db: Db, clock: Clock, load: () => SystemLoad): Promise<QuotaStats> {
  const today = { gte: startOfUtcDay(clock.now()) };
  const [totalUsers, commandsToday, violationsToday, usage] = await Promise.all([
    db.user.count(),
    db.commandExecution.count({ where: { executedAt: today, allowed: true } }),
    db.violation.count({ where: { createdAt: today } }),
    currentUsage(db, clock),
  ]);
  const perUser = new Map<number, { factor: number; high: boolean }>();
  for (const u of usage) {
    const cur = perUser.get(u.user_id) ?? { factor: 1, high: false };
    perUser.set(u.user_id, { factor: Math.min(cur.factor, u.throttle_factor), high: cur.high || u.utilization >= HIGH_UTILIZATION });
  }
  const throttled = [...perUser.values()];
  // Users with no usage in a current window are unthrottled (1.0).
  const sum = throttled.reduce((s, u) => s + u.factor, 0) + Math.max(0, totalUsers - throttled.length);
  return {
    total_users: totalUsers,
    commands_today: commandsToday,
    system_load: load(),
    average_throttle_factor: totalUsers ? Math.round((sum / totalUsers) * 1000) / 1000 : 1,
    violations_today: violationsToday,
    high_utilization_count: throttled.filter((u) => u.high).length,
  };
}
