// Risks: validation schemas (the HTTP edge parses with them) and the service. Every write is
// one transaction holding the risk-writes lock (PostgreSQL): the score and the daily trend
// roll-up are read-modify-write, and concurrent PATCH {likelihood} / PATCH {impact} must not
// store a score that is neither's. Each write is audited in the same transaction.
import "server-only";
import { z } from "zod";
import type { Db, Tx } from "../db/client";
import type { Prisma, Risk } from "../db/generated/sqlite/client";
import { lockedTransaction, LOCKS } from "../db/locks";
import type { DbFlavor } from "../db/url";
import { audit, changedFields, type Actor } from "./audit";
import { nextDashboardSeq } from "./dashboard/sequence";
import { NotFoundError } from "./errors";
import type { EventPublisher, MitigationFact, RiskFact } from "./events";
import { mitigationFact } from "./mitigations";
import { assertOwner, ownerDto, ownerField, ownerQuery, ownerWhere, withOwner, type OwnerDto } from "./owners";
import { pageArgs, pageQuery, toPage } from "./pagination";
import { text } from "./schema-helpers";
import { round, type Clock } from "./time";
import { refreshTodayTrend } from "./trend";
import { updateSchema } from "./update-schema";

export const SEVERITIES = ["critical", "high", "medium", "low"] as const;
export const RISK_STATUSES = ["open", "closed"] as const;
export type Severity = (typeof SEVERITIES)[number];

const unit = z.number().min(0).max(1);
const riskFields = {
  title: text().trim().min(1, "title is required").max(200, "title is at most 200 characters"),
  description: text().max(5000),
  severity: z.enum(SEVERITIES),
  likelihood: unit,
  impact: unit,
  status: z.enum(RISK_STATUSES),
  owner_id: ownerField,
};
export const riskCreateSchema = z.strictObject({
  ...riskFields,
  description: riskFields.description.default(""),
  status: riskFields.status.default("open"),
  owner_id: riskFields.owner_id.default(null),
});
export const riskUpdateSchema = updateSchema(riskFields);
export const riskListSchema = z.object({
  status: z.enum(RISK_STATUSES).optional(),
  severity: z.enum(SEVERITIES).optional(),
  q: text().trim().max(200).optional(),
  owner_id: ownerQuery.optional(),
  sort: z.enum(["score", "opened_at", "updated_at", "title", "owner"]).default("score"),
  order: z.enum(["asc", "desc"]).default("desc"),
  ...pageQuery,
});
/** What the service takes: the parsed body; fields added later (owner, …) may be left out by in-process callers. */
export type RiskCreate = Omit<z.infer<typeof riskCreateSchema>, "owner_id"> & { owner_id?: number | null };
export type RiskUpdate = z.infer<typeof riskUpdateSchema>;
export type RiskList = z.infer<typeof riskListSchema>;

export const riskScore = (likelihood: number, impact: number) => round(10 * likelihood * impact, 4);

export interface RiskDto {
  id: number;
  title: string;
  description: string;
  severity: Severity;
  likelihood: number;
  impact: number;
  score: number;
  status: (typeof RISK_STATUSES)[number];
  opened_at: string;
  closed_at: string | null;
  updated_at: string;
  owner_id: number | null;
  /** The owner's name and e-mail, so every list can show who it is without a second request. */
  owner: OwnerDto | null;
}
type RiskRow = Risk & { owner?: OwnerDto | null };
export function riskDto(r: RiskRow): RiskDto {
  return {
    id: r.id,
    title: r.title,
    description: r.description,
    severity: r.severity as Severity,
    likelihood: r.likelihood,
    impact: r.impact,
    score: round(r.score),
    status: r.status as RiskDto["status"],
    opened_at: r.openedAt.toISOString(),
    closed_at: r.closedAt?.toISOString() ?? null,
    updated_at: r.updatedAt.toISOString(),
    owner_id: r.ownerId,
    owner: ownerDto(r.owner),
  };
}
export const riskFact = (r: Risk): RiskFact => ({
  id: r.id,
  title: r.title,
  severity: r.severity,
  likelihood: r.likelihood,
  impact: r.impact,
  score: r.score,
  status: r.status,
  openedAt: r.openedAt.getTime(),
});
const auditable = (r: Risk) => ({
  title: r.title,
  description: r.description,
  severity: r.severity,
  likelihood: r.likelihood,
  impact: r.impact,
  score: r.score,
  status: r.status,
  owner_id: r.ownerId,
});

const SORT_COLUMN = { score: "score", opened_at: "openedAt", updated_at: "updatedAt", title: "title" } as const;
const orderOf = (q: RiskList) =>
  q.sort === "owner"
    ? [{ owner: { name: q.order } }, { ownerId: q.order }, { id: "asc" as const }]
    : [{ [SORT_COLUMN[q.sort]]: q.order }, { id: "asc" as const }];

/**
 * Risks: list, get, create, update, remove. Each write runs in one transaction under the
 * risk-writes lock with its audit entry and the day's trend, and publishes its event after commit.
 */
export function createRiskService(deps: { db: Db; events: EventPublisher; clock: Clock; flavor: DbFlavor }) {
  const { db, events, clock, flavor } = deps;
  const write = <T>(fn: (tx: Tx) => Promise<T>) => lockedTransaction(db, flavor, LOCKS.riskWrites, fn);

  /** Sorted by owner name with the unowned always last: the databases disagree on where NULLs
   *  sort (and Prisma cannot say for a relation's field), so the page is cut from the owned rows
   *  and then the unowned ones. */
  async function byOwner(where: Prisma.RiskWhereInput, q: RiskList) {
    const { skip, take } = pageArgs(q);
    const ownedWhere = { AND: [where, { ownerId: { not: null } }] };
    const owned = await db.risk.findMany({ where: ownedWhere, include: withOwner, orderBy: orderOf(q), skip, take });
    if (owned.length === take) return owned;
    const ownedTotal = owned.length > 0 ? skip + owned.length : await db.risk.count({ where: ownedWhere });
    const rest = await db.risk.findMany({
      where: { AND: [where, { ownerId: null }] },
      include: withOwner,
      orderBy: { id: "asc" },
      skip: Math.max(0, skip - ownedTotal),
      take: take - owned.length,
    });
    return [...owned, ...rest];
  }

  return {
    async list(q: RiskList) {
      const where = {
        status: q.status,
        severity: q.severity,
        // PostgreSQL compares case-sensitively unless asked; SQLite's LIKE already ignores ASCII case.
        title: q.q ? { contains: q.q, ...(flavor === "postgres" ? { mode: "insensitive" as const } : {}) } : undefined,
        ...ownerWhere(q.owner_id),
      };
      if (q.sort === "owner") return toPage((await byOwner(where, q)).map(riskDto), await db.risk.count({ where }), q);
      const [rows, total] = await Promise.all([
        db.risk.findMany({ where, include: withOwner, orderBy: orderOf(q), ...pageArgs(q) }),
        db.risk.count({ where }),
      ]);
      return toPage(rows.map(riskDto), total, q);
    },

    async get(id: number) {
      const r = await db.risk.findUnique({
        where: { id },
        include: { history: { orderBy: { recordedAt: "desc" }, take: 500 }, ...withOwner },
      });
      if (!r) throw new NotFoundError("risk", id);
      return {
        ...riskDto(r),
        score_history: r.history.reverse().map((h) => ({ score: round(h.score), recorded_at: h.recordedAt.toISOString() })),
      };
    },

    async create(input: RiskCreate, actor: Actor) {
      const now = clock.now();
      const score = riskScore(input.likelihood, input.impact);
      const { r: risk, seq } = await write(async (tx) => {
        await assertOwner(tx, input.owner_id);
        const { owner_id, ...fields } = input;
        const r = await tx.risk.create({
          data: { ...fields, ownerId: owner_id, score, openedAt: now, closedAt: input.status === "closed" ? now : null },
          include: withOwner,
        });
        await tx.riskScoreHistory.create({ data: { riskId: r.id, score, recordedAt: now } });
        await refreshTodayTrend(tx, now);
        await audit(tx, { actor, action: "created", entity: "risk", entityId: r.id, changes: changedFields(null, auditable(r)), at: now });
        return { r, seq: await nextDashboardSeq(tx) };
      });
      events.publish({ type: "risk.changed", seq, change: "created", riskId: risk.id, before: null, after: riskFact(risk) });
      return riskDto(risk);
    },

    async update(id: number, patch: RiskUpdate, actor: Actor) {
      const now = clock.now();
      const { before, after, seq } = await write(async (tx) => {
        const cur = await tx.risk.findUnique({ where: { id } });
        if (!cur) throw new NotFoundError("risk", id);
        await assertOwner(tx, patch.owner_id);
        const score = riskScore(patch.likelihood ?? cur.likelihood, patch.impact ?? cur.impact);
        const closedAt = patch.status === undefined || patch.status === cur.status ? cur.closedAt : patch.status === "closed" ? now : null;
        const { owner_id, ...fields } = patch;
        const r = await tx.risk.update({ where: { id }, data: { ...fields, ownerId: owner_id, score, closedAt }, include: withOwner });
        if (score !== cur.score) await tx.riskScoreHistory.create({ data: { riskId: id, score, recordedAt: now } });
        if (score !== cur.score || r.status !== cur.status) await refreshTodayTrend(tx, now);
        await audit(tx, {
          actor,
          action: "updated",
          entity: "risk",
          entityId: id,
          changes: changedFields(auditable(cur), auditable(r)),
          at: now,
        });
        return { before: cur, after: r, seq: await nextDashboardSeq(tx) };
      });
      events.publish({ type: "risk.changed", seq, change: "updated", riskId: id, before: riskFact(before), after: riskFact(after) });
      return riskDto(after);
    },

    async remove(id: number, actor: Actor) {
      const now = clock.now();
      const { before, removed, seq } = await write(async (tx) => {
        const cur = await tx.risk.findUnique({ where: { id } });
        if (!cur) throw new NotFoundError("risk", id);
        const mitigations = await tx.mitigation.findMany({ where: { riskId: id } });
        await tx.risk.delete({ where: { id } }); // its mitigations and history go with it
        await refreshTodayTrend(tx, now);
        await audit(tx, { actor, action: "deleted", entity: "risk", entityId: id, changes: changedFields(auditable(cur), null), at: now });
        return { before: cur, removed: mitigations, seq: await nextDashboardSeq(tx) };
      });
      const removedMitigations: MitigationFact[] = removed.map(mitigationFact);
      events.publish({
        type: "risk.changed",
        seq,
        change: "deleted",
        riskId: id,
        before: riskFact(before),
        after: null,
        removedMitigations,
      });
    },
  };
}
export type RiskService = ReturnType<typeof createRiskService>;
