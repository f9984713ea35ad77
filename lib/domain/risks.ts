// Risks: validation schemas (the HTTP edge parses with them) and the service. Every write is
// one transaction holding the risk-writes lock (PostgreSQL): the score and the daily trend
// roll-up are read-modify-write, and concurrent PATCH {likelihood} / PATCH {impact} must not
// store a score that is neither's. Each write is audited in the same transaction.
import "server-only";
import { z } from "zod";
import type { Db, Tx } from "../db/client";
import type { Risk } from "../db/generated/sqlite/client";
import { lockedTransaction, LOCKS } from "../db/locks";
import type { DbFlavor } from "../db/url";
import { audit, changedFields, type Actor } from "./audit";
import { nextDashboardSeq } from "./dashboard/sequence";
import { NotFoundError } from "./errors";
import type { EventPublisher, MitigationFact, RiskFact } from "./events";
import { mitigationFact } from "./mitigations";
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
};
export const riskCreateSchema = z.strictObject({
  ...riskFields,
  description: riskFields.description.default(""),
  status: riskFields.status.default("open"),
});
export const riskUpdateSchema = updateSchema(riskFields);
export const riskListSchema = z.object({
  status: z.enum(RISK_STATUSES).optional(),
  severity: z.enum(SEVERITIES).optional(),
  q: text().trim().max(200).optional(),
  sort: z.enum(["score", "opened_at", "updated_at", "title"]).default("score"),
  order: z.enum(["asc", "desc"]).default("desc"),
  ...pageQuery,
});
export type RiskCreate = z.infer<typeof riskCreateSchema>;
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
}
export function riskDto(r: Risk): RiskDto {
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
});

const SORT_COLUMN = { score: "score", opened_at: "openedAt", updated_at: "updatedAt", title: "title" } as const;

export function createRiskService(deps: { db: Db; events: EventPublisher; clock: Clock; flavor: DbFlavor }) {
  const { db, events, clock, flavor } = deps;
  const write = <T>(fn: (tx: Tx) => Promise<T>) => lockedTransaction(db, flavor, LOCKS.riskWrites, fn);

  return {
    async list(q: RiskList) {
      const where = {
        status: q.status,
        severity: q.severity,
        // PostgreSQL compares case-sensitively unless asked; SQLite's LIKE already ignores ASCII case.
        title: q.q ? { contains: q.q, ...(flavor === "postgres" ? { mode: "insensitive" as const } : {}) } : undefined,
      };
      const [rows, total] = await Promise.all([
        db.risk.findMany({ where, orderBy: [{ [SORT_COLUMN[q.sort]]: q.order }, { id: "asc" }], ...pageArgs(q) }),
        db.risk.count({ where }),
      ]);
      return toPage(rows.map(riskDto), total, q);
    },

    async get(id: number) {
      const r = await db.risk.findUnique({
        where: { id },
        include: { history: { orderBy: { recordedAt: "desc" }, take: 500 } },
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
        const r = await tx.risk.create({
          data: { ...input, score, openedAt: now, closedAt: input.status === "closed" ? now : null },
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
        const score = riskScore(patch.likelihood ?? cur.likelihood, patch.impact ?? cur.impact);
        const closedAt = patch.status === undefined || patch.status === cur.status ? cur.closedAt : patch.status === "closed" ? now : null;
        const r = await tx.risk.update({ where: { id }, data: { ...patch, score, closedAt } });
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
