// Command quotas: which limits apply to a user (their own override, else the default), and the
// admin's reads and writes of them (audited).
import "server-only";
import type { Db } from "../../db/client";
import type { CommandQuota } from "../../db/generated/sqlite/client";
import { LoadingCache } from "../../cache/loading-cache";
import { audit, changedFields, type Actor } from "../audit";
import { NotFoundError, ValidationError } from "../errors";
import type { EventPublisher } from "../events";
import { quotaDto } from "./dto";
import { PERIODS, type Period } from "./periods";
import type { QuotaSet } from "./schemas";

export const DEFAULT_SCOPE = "*";

/** Effective limit lookup over all quotas at once (for stats and tables). */
export function limitResolver(all: CommandQuota[]) {
  const map = new Map(all.map((q) => [`${q.scope}|${q.commandType}|${q.period}`, q.limit]));
  return (userId: number, commandType: string, period: string): number | undefined =>
    map.get(`${userId}|${commandType}|${period}`) ?? map.get(`${DEFAULT_SCOPE}|${commandType}|${period}`);
}

/**
 * All quota definitions, held in memory: every command needs them and they change rarely.
 * Reloaded after invalidate() (every quota.changed event, from any instance) or after `ttlMs`,
 * the safety net for changes made behind the app's back. A failed load is not kept, and a load
 * that was in flight when a quota changed is not stored (LoadingCache).
 */
export function createQuotaCache(db: Db, ttlMs = 5000) {
  const cache = new LoadingCache<"all", { rows: CommandQuota[]; limitOf: ReturnType<typeof limitResolver> }>(
    async () => {
      const rows = await db.commandQuota.findMany();
      return { rows, limitOf: limitResolver(rows) };
    },
    { ttlMs },
  );
  return {
    all: async () => (await cache.get("all")).rows,
    invalidate: () => cache.invalidate("all"),
    async effective(userId: number, commandType: string): Promise<{ period: Period; limit: number }[]> {
      const { limitOf } = await cache.get("all");
      return PERIODS.flatMap((period) => {
        const limit = limitOf(userId, commandType, period);
        return limit === undefined ? [] : [{ period, limit }];
      });
    },
  };
}
export type QuotaCache = ReturnType<typeof createQuotaCache>;

const auditable = (q: CommandQuota) => ({ user_id: q.userId, command_type: q.commandType, period: q.period, limit: q.limit });

/**
 * The admin's quota reads and writes: list, set (create or update), remove — each audited, and
 * published as quota.changed after commit (the quota cache and the consoles follow it).
 */
export function createQuotaAdmin(deps: { db: Db; events: EventPublisher; cache?: QuotaCache; clock?: { now(): Date } }) {
  const { db, events } = deps;
  const now = () => deps.clock?.now() ?? new Date();
  return {
    async list(q: { user_id?: number; command_type?: string }) {
      const rows = await db.commandQuota.findMany({
        where: { commandType: q.command_type, ...(q.user_id ? { scope: { in: [DEFAULT_SCOPE, String(q.user_id)] } } : {}) },
        orderBy: [{ scope: "asc" }, { commandType: "asc" }, { period: "asc" }],
        include: { user: { select: { name: true } } },
      });
      return { items: rows.map((r) => ({ ...quotaDto(r), username: r.user?.name ?? null })) };
    },

    async set(input: QuotaSet, actor: Actor) {
      const userId = input.user_id ?? null;
      const at = now();
      const scope = userId === null ? DEFAULT_SCOPE : String(userId);
      const key = { scope, commandType: input.command_type, period: input.period };
      const { q, existed, username } = await db.$transaction(async (tx) => {
        const user = userId === null ? null : await tx.user.findUnique({ where: { id: userId }, select: { id: true, name: true } });
        if (userId !== null && !user)
          throw new ValidationError("validation failed", [{ field: "user_id", message: `user ${userId} not found` }]);
        const prev = await tx.commandQuota.findUnique({ where: { scope_commandType_period: key } });
        const row = await tx.commandQuota.upsert({
          where: { scope_commandType_period: key },
          create: { ...key, userId, limit: input.limit },
          update: { limit: input.limit },
        });
        await audit(tx, {
          actor,
          action: prev ? "updated" : "created",
          entity: "quota",
          entityId: row.id,
          changes: changedFields(prev ? auditable(prev) : null, auditable(row)),
          at,
        });
        return { q: row, existed: !!prev, username: user?.name ?? null };
      });
      deps.cache?.invalidate();
      events.publish({ type: "quota.changed", quota: quotaDto(q), change: existed ? "updated" : "created", username });
      return { ...quotaDto(q), username };
    },

    async remove(id: number, actor: Actor) {
      const at = now();
      const q = await db.$transaction(async (tx) => {
        const row = await tx.commandQuota.findUnique({ where: { id }, include: { user: { select: { name: true } } } });
        if (!row) throw new NotFoundError("quota", id);
        await tx.commandQuota.delete({ where: { id } });
        await audit(tx, { actor, action: "deleted", entity: "quota", entityId: id, changes: changedFields(auditable(row), null), at });
        return row;
      });
      deps.cache?.invalidate();
      events.publish({ type: "quota.changed", quota: quotaDto(q), change: "deleted", username: q.user?.name ?? null });
    },
  };
}
export type QuotaAdmin = ReturnType<typeof createQuotaAdmin>;
