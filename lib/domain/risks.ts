// Risks: validation schemas (the HTTP edge parses with them) and the service.
import { z } from "zod";
import type { Db } from "../db/client";
import type { Risk } from "../db/generated/sqlite/client";
import type { DbFlavor } from "../db/url";
import { NotFoundError } from "./errors";
import type { EventPublisher } from "./events";
import { pageArgs, pageQuery, toPage } from "./pagination";
import { updateSchema } from "./update-schema";
import { round, type Clock } from "./time";
import { refreshTodayTrend } from "./trend";

export const SEVERITIES = ["critical", "high", "medium", "low"] as const;
export const RISK_STATUSES = ["open", "closed"] as const;
export type Severity = (typeof SEVERITIES)[number];

const unit = z.number().min(0).max(1);
const riskFields = {
  title: z.string().trim().min(1, "title is required").max(200, "title is at most 200 characters"),
  description: z.string().max(5000),
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
  q: z.string().trim().max(200).optional(),
  sort: z.enum(["score", "opened_at", "updated_at", "title"]).default("score"),
  order: z.enum(["asc", "desc"]).default("desc"),
  ...pageQuery,
});
export type RiskCreate = z.infer<typeof riskCreateSchema>;
export type RiskUpdate = z.infer<typeof riskUpdateSchema>;
export type RiskList = z.infer<typeof riskListSchema>;

export const riskScore = (likelihood: number, impact: number) => round(10 * likelihood * impact, 4);

export function riskDto(r: Risk) {
  return {
    id: r.id,
    title: r.title,
    description: r.description,
    severity: r.severity as Severity,
    likelihood: r.likelihood,
    impact: r.impact,
    score: round(r.score),
    status: r.status as (typeof RISK_STATUSES)[number],
    opened_at: r.openedAt.toISOString(),
    closed_at: r.closedAt?.toISOString() ?? null,
    updated_at: r.updatedAt.toISOString(),
  };
}
export type RiskDto = ReturnType<typeof riskDto>;

const SORT_COLUMN = { score: "score", opened_at: "openedAt", updated_at: "updatedAt", title: "title" } as const;

export function createRiskService(deps: { db: Db; events: EventPublisher; clock: Clock; flavor: DbFlavor }) {
  const { db, events, clock } = deps;
  const changed = (riskId: number, change: "created" | "updated" | "deleted") =>
    events.publish({ type: "risk.changed", riskId, change });

  return {
    async list(q: RiskList) {
      const where = {
        status: q.status,
        severity: q.severity,
        // PostgreSQL compares case-sensitively unless asked; SQLite's LIKE already ignores ASCII case.
        title: q.q ? { contains: q.q, ...(deps.flavor === "postgres" ? { mode: "insensitive" as const } : {}) } : undefined,
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
        include: { history: { orderBy: { recordedAt: "asc" }, take: 500 } },
      });
      if (!r) throw new NotFoundError("risk", id);
      return {
        ...riskDto(r),
        score_history: r.history.map((h) => ({ score: round(h.score), recorded_at: h.recordedAt.toISOString() })),
      };
    },

    async create(input: RiskCreate) {
      const now = clock.now();
      const score = riskScore(input.likelihood, input.impact);
      const risk = await db.$transaction(async (tx) => {
        const r = await tx.risk.create({
          data: { ...input, score, openedAt: now, closedAt: input.status === "closed" ? now : null },
        });
        await tx.riskScoreHistory.create({ data: { riskId: r.id, score, recordedAt: now } });
        await refreshTodayTrend(tx, now);
        return r;
      });
      changed(risk.id, "created");
      return riskDto(risk);
    },

    async update(id: number, patch: RiskUpdate) {
      const now = clock.now();
      const risk = await db.$transaction(async (tx) => {
        const cur = await tx.risk.findUnique({ where: { id } });
        if (!cur) throw new NotFoundError("risk", id);
        const score = riskScore(patch.likelihood ?? cur.likelihood, patch.impact ?? cur.impact);
        const closedAt =
          patch.status === undefined || patch.status === cur.status ? cur.closedAt : patch.status === "closed" ? now : null;
        const r = await tx.risk.update({ where: { id }, data: { ...patch, score, closedAt } });
        if (score !== cur.score) await tx.riskScoreHistory.create({ data: { riskId: id, score, recordedAt: now } });
        if (score !== cur.score || r.status !== cur.status) await refreshTodayTrend(tx, now);
        return r;
      });
      changed(id, "updated");
      return riskDto(risk);
    },

    async remove(id: number) {
      const now = clock.now();
      await db.$transaction(async (tx) => {
        const deleted = await tx.risk.deleteMany({ where: { id } });
        if (deleted.count === 0) throw new NotFoundError("risk", id);
        await refreshTodayTrend(tx, now);
      });
      changed(id, "deleted");
    },
  };
}
export type RiskService = ReturnType<typeof createRiskService>;
