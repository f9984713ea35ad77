// Command quotas: which limits apply to a user (their own override, else the default), and
// the admin's reads and writes of them.
import type { Db } from "../../db/client";
import type { CommandQuota } from "../../db/generated/sqlite/client";
import { NotFoundError, ValidationError } from "../errors";
import type { EventPublisher } from "../events";
import { quotaDto } from "./dto";
import { PERIODS, type Period } from "./periods";
import type { QuotaSet } from "./schemas";

export const DEFAULT_SCOPE = "*";

/**
 * All quota definitions, held in memory: every command needs them and they change rarely.
 * Reloaded after `invalidate()` (on every quota.changed event) or `ttlMs` at the latest, the
 * safety net for changes made on another instance or behind the app's back.
 */
export function createQuotaCache(db: Db, ttlMs = 5000) {
  let rows: CommandQuota[] | null = null;
  let loadedAt = 0;
  let loading: Promise<CommandQuota[]> | null = null;
  const all = async (): Promise<CommandQuota[]> => {
    if (rows && Date.now() - loadedAt < ttlMs) return rows;
    loading ??= db.commandQuota.findMany().then((r) => {
      rows = r;
      loadedAt = Date.now();
      loading = null;
      return r;
    });
    return loading;
  };
  return {
    all,
    invalidate() {
      rows = null;
    },
    async effective(userId: number, commandType: string): Promise<{ period: Period; limit: number }[]> {
      const limitOf = limitResolver(await all());
      return PERIODS.flatMap((period) => {
        const limit = limitOf(userId, commandType, period);
        return limit === undefined ? [] : [{ period, limit }];
      });
    },
  };
}
export type QuotaCache = ReturnType<typeof createQuotaCache>;

/** Effective limit lookup over all quotas at once (for stats and tables). */
export function limitResolver(all: CommandQuota[]) {
  const map = new Map(all.map((q) => [`${q.scope}|${q.commandType}|${q.period}`, q.limit]));
  return (userId: number, commandType: string, period: string): number | undefined =>
    map.get(`${userId}|${commandType}|${period}`) ?? map.get(`${DEFAULT_SCOPE}|${commandType}|${period}`);
}

export function createQuotaAdmin(deps: { db: Db; events: EventPublisher; cache?: QuotaCache }) {
  const { db, events } = deps;
  return {
    async list(q: { user_id?: number; command_type?: string }) {
      const rows = await db.commandQuota.findMany({
        where: { commandType: q.command_type, ...(q.user_id ? { scope: { in: [DEFAULT_SCOPE, String(q.user_id)] } } : {}) },
        orderBy: [{ scope: "asc" }, { commandType: "asc" }, { period: "asc" }],
        include: { user: { select: { name: true } } },
      });
      return { items: rows.map((r) => ({ ...quotaDto(r), username: r.user?.name ?? null })) };
    },

    async set(input: QuotaSet) {
      const userId = input.user_id ?? null;
      if (userId !== null && !(await db.user.findUnique({ where: { id: userId }, select: { id: true } }))) {
        throw new ValidationError("validation failed", [{ field: "user_id", message: `user ${userId} not found` }]);
      }
      const scope = userId === null ? DEFAULT_SCOPE : String(userId);
      const key = { scope, commandType: input.command_type, period: input.period };
      const existed = await db.commandQuota.findUnique({ where: { scope_commandType_period: key } });
      const q = await db.commandQuota.upsert({
        where: { scope_commandType_period: key },
        create: { ...key, userId, limit: input.limit },
        update: { limit: input.limit },
      });
      deps.cache?.invalidate();
      events.publish({ type: "quota.changed", quota: quotaDto(q), change: existed ? "updated" : "created" });
      return quotaDto(q);
    },

    async remove(id: number) {
      const q = await db.commandQuota.findUnique({ where: { id } });
      if (!q) throw new NotFoundError("quota", id);
      await db.commandQuota.delete({ where: { id } });
      deps.cache?.invalidate();
      events.publish({ type: "quota.changed", quota: quotaDto(q), change: "deleted" });
    },
  };
}
export type QuotaAdmin = ReturnType<typeof createQuotaAdmin>;
