// Risks: validation schemas (the HTTP edge parses with them) and the service. Every write is
// one transaction holding the risk-writes lock (PostgreSQL): the score and the daily trend
// roll-up are read-modify-write, and concurrent PATCH {likelihood} / PATCH {impact} must not
// store a score that is neither's. Each write is audited in the same transaction.
import "server-only";
import { z } from "zod";
import { DEFAULT_REVIEW_CADENCE, type ReviewCadence } from "../config";
import type { Db, Tx } from "../db/client";
import type { Prisma, Risk } from "../db/generated/sqlite/client";
import { lockedTransaction, LOCKS } from "../db/locks";
import type { DbFlavor } from "../db/url";
import { findOpen, openAcceptance, settleAcceptance, type AcceptanceDto } from "./acceptance-rules";
import { audit, changedFields, type Actor } from "./audit";
import { nextDashboardSeq } from "./dashboard/sequence";
import { DomainError, NotFoundError } from "./errors";
import type { EventPublisher, MitigationFact, RiskFact } from "./events";
import { mitigationFact } from "./mitigations";
import { assertOwner, assigned, ownerDto, ownerField, ownerQuery, ownerWhere, withOwner, type OwnerDto } from "./owners";
import { pageArgs, pageQuery, toPage } from "./pagination";
import { bandRange, categoryField, residualField, tagSchema, tagsField, TREATMENTS, treatmentField, type Treatment } from "./register";
import { boundedDate, text } from "./schema-helpers";
import { addDays, round, type Clock } from "./time";
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
  treatment: treatmentField,
  residual_likelihood: residualField,
  residual_impact: residualField,
  /** null: no review scheduled; left out on create: now + the severity's cadence (REVIEW_CADENCE_DAYS). */
  next_review_at: boundedDate.nullable(),
  category: categoryField,
  tags: tagsField,
};
export const riskCreateSchema = z.strictObject({
  ...riskFields,
  description: riskFields.description.default(""),
  status: riskFields.status.default("open"),
  owner_id: riskFields.owner_id.default(null),
  treatment: riskFields.treatment.default(null),
  residual_likelihood: riskFields.residual_likelihood.default(null),
  residual_impact: riskFields.residual_impact.default(null),
  next_review_at: riskFields.next_review_at.optional(),
  category: riskFields.category.default(null),
  tags: riskFields.tags.default([]),
});
/** A PATCH; `version` (or the If-Match header) names the version the edit started from. */
export const riskUpdateSchema = updateSchema({ ...riskFields, version: z.number().int().positive() });
const band = z.coerce.number().int().min(1).max(5);
export const riskListSchema = z.object({
  status: z.enum(RISK_STATUSES).optional(),
  severity: z.enum(SEVERITIES).optional(),
  q: text().trim().max(200).optional(),
  owner_id: ownerQuery.optional(),
  treatment: z.enum([...TREATMENTS, "undecided"]).optional(),
  category: text().trim().min(1).max(80).optional(),
  tag: tagSchema.optional(),
  /** `overdue`: next review before now. */
  review: z.enum(["overdue"]).optional(),
  /** A heat-map cell: the likelihood and impact bands (1–5), of the residual values when `matrix=residual`. */
  likelihood_band: band.optional(),
  impact_band: band.optional(),
  matrix: z.enum(["inherent", "residual"]).optional(),
  sort: z.enum(["score", "opened_at", "updated_at", "title", "owner"]).default("score"),
  order: z.enum(["asc", "desc"]).default("desc"),
  ...pageQuery,
});
/** What the service takes: the parsed body; fields added later (owner, …) may be left out by in-process callers. */
type Later = "owner_id" | "treatment" | "residual_likelihood" | "residual_impact" | "next_review_at" | "category" | "tags";
export type RiskCreate = Omit<z.infer<typeof riskCreateSchema>, Later> & Partial<Pick<z.infer<typeof riskCreateSchema>, Later>>;
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
  treatment: Treatment | null;
  /** null: the same as the inherent value. */
  residual_likelihood: number | null;
  residual_impact: number | null;
  /** 10 × residual likelihood × residual impact, the inherent values standing in for unset ones. */
  residual_score: number;
  next_review_at: string | null;
  last_reviewed_at: string | null;
  category: string | null;
  tags: string[];
  /** Bumped by every write; send it back as `version` or If-Match to refuse lost updates. */
  version: number;
  external_id: string | null;
}
type RiskRow = Risk & { owner?: OwnerDto | null; tags?: { tag: string }[] };
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
    treatment: r.treatment as Treatment | null,
    residual_likelihood: r.residualLikelihood,
    residual_impact: r.residualImpact,
    residual_score: round(r.residualScore ?? r.score),
    next_review_at: r.nextReviewAt?.toISOString() ?? null,
    last_reviewed_at: r.lastReviewedAt?.toISOString() ?? null,
    category: r.category,
    tags: (r.tags ?? []).map((t) => t.tag).sort(),
    version: r.version,
    external_id: r.externalId,
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
  treatment: r.treatment,
  residualLikelihood: r.residualLikelihood ?? r.likelihood,
  residualImpact: r.residualImpact ?? r.impact,
  nextReviewAt: r.nextReviewAt?.getTime() ?? null,
});
const auditable = (r: RiskRow) => ({
  title: r.title,
  description: r.description,
  severity: r.severity,
  likelihood: r.likelihood,
  impact: r.impact,
  score: r.score,
  status: r.status,
  owner_id: r.ownerId,
  treatment: r.treatment,
  residual_likelihood: r.residualLikelihood,
  residual_impact: r.residualImpact,
  next_review_at: r.nextReviewAt?.toISOString() ?? null,
  category: r.category,
  tags: (r.tags ?? [])
    .map((t) => t.tag)
    .sort()
    .join(", "),
  external_id: r.externalId,
});

/** The row includes of every risk answer: the owner and the tags. */
export const riskInclude = { ...withOwner, tags: { select: { tag: true }, orderBy: { tag: "asc" } } } as const;

/** Refused edit: the risk changed since the version the client started from (409 `edit_conflict`). */
export class EditConflictError extends DomainError {
  constructor(expected: number, current: RiskDto) {
    super(
      `risk ${current.id} was changed by someone else (you edited version ${expected}, it is now version ${current.version})`,
      409,
      { your_version: expected, current },
      "edit_conflict",
    );
  }
}

const between = (b: number) => {
  const { min, max } = bandRange(b);
  return b === 5 ? { gte: min } : { gte: min, lt: max };
};
/** The Prisma `where` of a list query (shared with the export). */
export function riskWhere(q: Omit<RiskList, "sort" | "order" | "page" | "page_size">, flavor: DbFlavor, now: Date): Prisma.RiskWhereInput {
  const and: Prisma.RiskWhereInput[] = [];
  const residual = q.matrix === "residual";
  if (q.likelihood_band !== undefined) {
    const r = between(q.likelihood_band);
    and.push(residual ? { OR: [{ residualLikelihood: r }, { residualLikelihood: null, likelihood: r }] } : { likelihood: r });
  }
  if (q.impact_band !== undefined) {
    const r = between(q.impact_band);
    and.push(residual ? { OR: [{ residualImpact: r }, { residualImpact: null, impact: r }] } : { impact: r });
  }
  return {
    status: q.status,
    severity: q.severity,
    // PostgreSQL compares case-sensitively unless asked; SQLite's LIKE already ignores ASCII case.
    title: q.q ? { contains: q.q, ...(flavor === "postgres" ? { mode: "insensitive" as const } : {}) } : undefined,
    ...ownerWhere(q.owner_id),
    ...(q.treatment ? { treatment: q.treatment === "undecided" ? null : q.treatment } : {}),
    ...(q.category ? { category: q.category } : {}),
    ...(q.tag ? { tags: { some: { tag: q.tag } } } : {}),
    ...(q.review === "overdue" ? { nextReviewAt: { lt: now } } : {}),
    ...(and.length ? { AND: and } : {}),
  };
}

/** The version an edit started from: the body's `version`, else If-Match (`"3"`, `W/"3"` or `3`). */
export function expectedVersion(bodyVersion: number | undefined, ifMatch: string | null): number | undefined {
  if (bodyVersion !== undefined) return bodyVersion;
  const m = ifMatch ? /^\s*(?:W\/)?"?(\d+)"?\s*$/.exec(ifMatch) : null;
  return m ? Number(m[1]) : undefined;
}

const SORT_COLUMN = { score: "score", opened_at: "openedAt", updated_at: "updatedAt", title: "title" } as const;
const orderOf = (q: RiskList) =>
  q.sort === "owner"
    ? [{ owner: { name: q.order } }, { ownerId: q.order }, { id: "asc" as const }]
    : [{ [SORT_COLUMN[q.sort]]: q.order }, { id: "asc" as const }];

/**
 * Risks: list, get, create, update, review, remove. Each write runs in one transaction under the
 * risk-writes lock with its audit entry, the day's trend and its event's deliveries (staged in
 * the transaction), and publishes its event after commit.
 */
export function createRiskService(deps: { db: Db; events: EventPublisher; clock: Clock; flavor: DbFlavor; reviewCadence?: ReviewCadence }) {
  const { db, events, clock, flavor } = deps;
  const cadence = deps.reviewCadence ?? DEFAULT_REVIEW_CADENCE;
  const nextReview = (severity: Severity, from: Date) => addDays(from, cadence[severity]);
  const write = <T>(fn: (tx: Tx) => Promise<T>) => lockedTransaction(db, flavor, LOCKS.riskWrites, fn);

  /** Sorted by owner name with the unowned always last: the databases disagree on where NULLs
   *  sort (and Prisma cannot say for a relation's field), so the page is cut from the owned rows
   *  and then the unowned ones. */
  async function byOwner(where: Prisma.RiskWhereInput, q: RiskList) {
    const { skip, take } = pageArgs(q);
    const ownedWhere = { AND: [where, { ownerId: { not: null } }] };
    const owned = await db.risk.findMany({ where: ownedWhere, include: riskInclude, orderBy: orderOf(q), skip, take });
    if (owned.length === take) return owned;
    const ownedTotal = owned.length > 0 ? skip + owned.length : await db.risk.count({ where: ownedWhere });
    const rest = await db.risk.findMany({
      where: { AND: [where, { ownerId: null }] },
      include: riskInclude,
      orderBy: { id: "asc" },
      skip: Math.max(0, skip - ownedTotal),
      take: take - owned.length,
    });
    return [...owned, ...rest];
  }

  return {
    async list(q: RiskList) {
      const where = riskWhere(q, flavor, clock.now());
      if (q.sort === "owner") return toPage((await byOwner(where, q)).map(riskDto), await db.risk.count({ where }), q);
      const [rows, total] = await Promise.all([
        db.risk.findMany({ where, include: riskInclude, orderBy: orderOf(q), ...pageArgs(q) }),
        db.risk.count({ where }),
      ]);
      return toPage(rows.map(riskDto), total, q);
    },

    async get(id: number) {
      const r = await db.risk.findUnique({
        where: { id },
        include: { history: { orderBy: { recordedAt: "desc" }, take: 500 }, ...riskInclude },
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
      const {
        r: risk,
        event,
        acceptance,
      } = await write(async (tx) => {
        await assertOwner(tx, input.owner_id);
        const r = await tx.risk.create({
          data: {
            ...columns(input),
            title: input.title,
            description: input.description,
            severity: input.severity,
            likelihood: input.likelihood,
            impact: input.impact,
            status: input.status,
            score,
            residualScore: riskScore(input.residual_likelihood ?? input.likelihood, input.residual_impact ?? input.impact),
            nextReviewAt: input.next_review_at === undefined ? nextReview(input.severity, now) : input.next_review_at,
            openedAt: now,
            closedAt: input.status === "closed" ? now : null,
            tags: { create: (input.tags ?? []).map((tag) => ({ tag })) },
          },
          include: riskInclude,
        });
        await tx.riskScoreHistory.create({ data: { riskId: r.id, score, recordedAt: now } });
        await refreshTodayTrend(tx, now);
        await audit(tx, { actor, action: "created", entity: "risk", entityId: r.id, changes: changedFields(null, auditable(r)), at: now });
        const event = {
          type: "risk.changed",
          seq: await nextDashboardSeq(tx),
          change: "created",
          riskId: r.id,
          before: null,
          after: riskFact(r),
        } as const;
        await events.stage?.(tx, event); // a critical risk's deliveries commit with it
        const acceptance = await acceptanceOfEdit(tx, null, r, actor, now, nextReview(input.severity, now));
        if (acceptance) await events.stage?.(tx, acceptance); // acceptance.requested commits with it
        return { r, event, acceptance };
      });
      events.publish(event);
      assigned(events, "risk", risk, null, actor);
      if (acceptance) events.publish(acceptance);
      return riskDto(risk);
    },

    /**
     * Changes the fields given. With `expected` (the body's `version` or If-Match), an edit of
     * a risk that moved on since that version is refused with EditConflictError, carrying the
     * current values so the client can show both.
     */
    async update(id: number, patch: RiskUpdate, actor: Actor, expected?: number) {
      const now = clock.now();
      const { after, event, beforeOwner, acceptance } = await write(async (tx) => {
        const cur = await tx.risk.findUnique({ where: { id }, include: riskInclude });
        if (!cur) throw new NotFoundError("risk", id);
        const want = expected ?? patch.version;
        if (want !== undefined && want !== cur.version) throw new EditConflictError(want, riskDto(cur));
        await assertOwner(tx, patch.owner_id);
        const score = riskScore(patch.likelihood ?? cur.likelihood, patch.impact ?? cur.impact);
        const residualScore = riskScore(
          (patch.residual_likelihood === undefined ? cur.residualLikelihood : patch.residual_likelihood) ??
            patch.likelihood ??
            cur.likelihood,
          (patch.residual_impact === undefined ? cur.residualImpact : patch.residual_impact) ?? patch.impact ?? cur.impact,
        );
        const closedAt = patch.status === undefined || patch.status === cur.status ? cur.closedAt : patch.status === "closed" ? now : null;
        if (patch.tags) await tx.riskTag.deleteMany({ where: { riskId: id } });
        const r = await tx.risk.update({
          where: { id },
          data: {
            ...columns(patch),
            ...riskCore(patch),
            score,
            residualScore,
            closedAt,
            version: { increment: 1 },
            ...(patch.tags ? { tags: { create: patch.tags.map((tag) => ({ tag })) } } : {}),
          },
          include: riskInclude,
        });
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
        const event = {
          type: "risk.changed",
          seq: await nextDashboardSeq(tx),
          change: "updated",
          riskId: id,
          before: riskFact(cur),
          after: riskFact(r),
        } as const;
        await events.stage?.(tx, event); // becoming critical: its deliveries commit with it
        const acceptance = await acceptanceOfEdit(tx, cur.treatment, r, actor, now, nextReview(r.severity as Severity, now));
        if (acceptance) await events.stage?.(tx, acceptance); // acceptance.requested commits with it
        return { after: r, event, beforeOwner: cur.ownerId, acceptance };
      });
      events.publish(event);
      if (acceptance) events.publish(acceptance);
      assigned(events, "risk", after, beforeOwner, actor);
      return riskDto(after);
    },

    /** Records a review: `last_reviewed_at` is now, `next_review_at` the date given or now + the severity's cadence. Audited with its note. */
    async review(id: number, input: RiskReview, actor: Actor) {
      const now = clock.now();
      const { after, event } = await write(async (tx) => {
        const cur = await tx.risk.findUnique({ where: { id }, include: riskInclude });
        if (!cur) throw new NotFoundError("risk", id);
        const r = await tx.risk.update({
          where: { id },
          data: {
            lastReviewedAt: now,
            nextReviewAt: input.next_review_at ?? nextReview(cur.severity as Severity, now),
            version: { increment: 1 },
          },
          include: riskInclude,
        });
        await audit(tx, {
          actor,
          action: "reviewed",
          entity: "risk",
          entityId: id,
          changes: {
            ...changedFields(auditable(cur), auditable(r)),
            ...(input.note ? { note: [null, input.note] as [unknown, unknown] } : {}),
          },
          at: now,
        });
        const event = {
          type: "risk.changed",
          seq: await nextDashboardSeq(tx),
          change: "updated",
          riskId: id,
          before: riskFact(cur),
          after: riskFact(r),
        } as const;
        await events.stage?.(tx, event); // becoming critical: its deliveries commit with it
        return { after: r, event };
      });
      events.publish(event);
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

type AcceptanceEvent = { type: "acceptance.changed"; change: "requested" | "revoked"; acceptance: AcceptanceDto };
/**
 * What an edit of the treatment does to acceptances (README "Risk acceptance"): set to `accept`
 * with nothing open, a pending request is opened (expiring at the severity's next review); moved
 * away from `accept`, the open one is revoked. Inside the edit's transaction; the event to publish.
 */
async function acceptanceOfEdit(
  tx: Tx,
  was: string | null,
  r: Risk,
  actor: Actor,
  now: Date,
  expiresAt: Date,
): Promise<AcceptanceEvent | null> {
  if (was === r.treatment) return null;
  const open = await findOpen(tx, r.id);
  if (r.treatment === "accept") {
    if (open) return null;
    const justification = "treatment set to accept by an edit; no justification given";
    const acceptance = await openAcceptance(tx, { riskId: r.id, justification, expiresAt }, actor, now);
    return { type: "acceptance.changed", change: "requested", acceptance };
  }
  if (was !== "accept" || !open) return null;
  const note = `treatment changed to ${r.treatment ?? "undecided"}`;
  const acceptance = await settleAcceptance(tx, open, { status: "revoked", note }, actor, now);
  return { type: "acceptance.changed", change: "revoked", acceptance };
}

export const riskReviewSchema = z.strictObject({
  note: text().trim().max(2000).optional(),
  /** Left out: now + the severity's review cadence. */
  next_review_at: boundedDate.optional(),
});
export type RiskReview = z.infer<typeof riskReviewSchema>;

type Fields = Partial<RiskCreate> & { version?: number };
/** The snake_case register fields of a body → their columns; fields left out stay undefined (unchanged). */
function columns(f: Fields) {
  return {
    ownerId: f.owner_id,
    treatment: f.treatment,
    residualLikelihood: f.residual_likelihood,
    residualImpact: f.residual_impact,
    nextReviewAt: f.next_review_at,
    category: f.category,
  };
}
function riskCore(f: Fields) {
  return { title: f.title, description: f.description, severity: f.severity, likelihood: f.likelihood, impact: f.impact, status: f.status };
}
