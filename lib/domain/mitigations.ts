// Mitigations: validation schemas and the service. A mitigation belongs to a risk; it is
// overdue when past due and not completed. Writes are audited in their transaction.
import "server-only";
import { z } from "zod";
import type { Db, Tx } from "../db/client";
import type { Mitigation, Prisma } from "../db/generated/sqlite/client";
import { lockedTransaction, LOCKS } from "../db/locks";
import type { DbFlavor } from "../db/url";
import { audit, changedFields, type Actor } from "./audit";
import { nextDashboardSeq } from "./dashboard/sequence";
import { NotFoundError, ValidationError } from "./errors";
import type { EventPublisher, MitigationFact } from "./events";
import { assertOwner, assigned, ownerDto, ownerField, ownerQuery, ownerWhere, withOwner, type OwnerDto } from "./owners";
import { pageArgs, pageQuery, toPage } from "./pagination";
import { boundedDay, dbId, dbIdQuery, text } from "./schema-helpers";
import { DAY_MS, type Clock } from "./time";
import { updateSchema } from "./update-schema";

export const MITIGATION_STATUSES = ["not_started", "in_progress", "completed"] as const;
export type MitigationStatus = (typeof MITIGATION_STATUSES)[number];

const mitigationFields = {
  title: text().trim().min(1, "title is required").max(200, "title is at most 200 characters"),
  status: z.enum(MITIGATION_STATUSES),
  completion_percent: z.number().int().min(0).max(100),
  due_date: boundedDay,
  owner_id: ownerField,
};
export const mitigationCreateSchema = z.strictObject({
  risk_id: dbId(),
  ...mitigationFields,
  status: mitigationFields.status.default("not_started"),
  completion_percent: mitigationFields.completion_percent.default(0),
  owner_id: mitigationFields.owner_id.default(null),
});
export const mitigationUpdateSchema = updateSchema(mitigationFields);
export const mitigationListSchema = z.object({
  risk_id: dbIdQuery().optional(),
  owner_id: ownerQuery.optional(),
  status: z.enum(MITIGATION_STATUSES).optional(),
  overdue: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional(),
  ...pageQuery,
});
/** What the service takes: the parsed body; fields added later (owner, …) may be left out by in-process callers. */
export type MitigationCreate = Omit<z.infer<typeof mitigationCreateSchema>, "owner_id"> & { owner_id?: number | null };
export type MitigationUpdate = z.infer<typeof mitigationUpdateSchema>;
export type MitigationList = z.infer<typeof mitigationListSchema>;

export const isOverdue = (m: Pick<Mitigation, "status" | "dueDate">, now: Date) =>
  m.status !== "completed" && m.dueDate.getTime() < now.getTime();
export const daysRemaining = (due: Date, now: Date) => Math.ceil((due.getTime() - now.getTime()) / DAY_MS);

export interface MitigationDto {
  id: number;
  risk_id: number;
  title: string;
  status: MitigationStatus;
  completion_percent: number;
  due_date: string;
  completed_at: string | null;
  overdue: boolean;
  days_remaining: number;
  owner_id: number | null;
  owner: OwnerDto | null;
}
type MitigationRow = Mitigation & { owner?: OwnerDto | null };
export function mitigationDto(m: MitigationRow, now: Date): MitigationDto {
  return {
    id: m.id,
    risk_id: m.riskId,
    title: m.title,
    status: m.status as MitigationStatus,
    completion_percent: m.completionPercent,
    due_date: m.dueDate.toISOString(),
    completed_at: m.completedAt?.toISOString() ?? null,
    overdue: isOverdue(m, now),
    days_remaining: daysRemaining(m.dueDate, now),
    owner_id: m.ownerId,
    owner: ownerDto(m.owner),
  };
}

export const mitigationFact = (m: Mitigation): MitigationFact => ({
  id: m.id,
  riskId: m.riskId,
  title: m.title,
  status: m.status,
  completionPercent: m.completionPercent,
  dueDate: m.dueDate.getTime(),
});
const auditable = (m: Mitigation) => ({
  risk_id: m.riskId,
  title: m.title,
  status: m.status,
  completion_percent: m.completionPercent,
  due_date: m.dueDate,
  owner_id: m.ownerId,
});

/** Completed means 100 %, and 100 % means completed: the two fields never disagree. */
function normalise(
  next: { status: MitigationStatus; completionPercent: number },
  cur: { completedAt: Date | null } | null,
  touchedPercent: boolean,
  now: Date,
) {
  let { status, completionPercent } = next;
  if (status === "completed") completionPercent = 100;
  else if (completionPercent === 100 && touchedPercent) status = "completed";
  return { status, completionPercent, completedAt: status === "completed" ? (cur?.completedAt ?? now) : null };
}

/**
 * Mitigations: list, get, create, update, remove — each write audited in its transaction (under
 * the risk-writes lock) and published after commit.
 */
export function createMitigationService(deps: { db: Db; events: EventPublisher; clock: Clock; flavor: DbFlavor }) {
  const { db, events, clock, flavor } = deps;
  const write = <T>(fn: (tx: Tx) => Promise<T>) => lockedTransaction(db, flavor, LOCKS.riskWrites, fn);

  return {
    async list(q: MitigationList) {
      const now = clock.now();
      const and: Prisma.MitigationWhereInput[] = [];
      if (q.risk_id) and.push({ riskId: q.risk_id });
      if (q.status) and.push({ status: q.status });
      if (q.owner_id !== undefined) and.push(ownerWhere(q.owner_id));
      if (q.overdue === true) and.push({ status: { not: "completed" }, dueDate: { lt: now } });
      if (q.overdue === false) and.push({ OR: [{ status: "completed" }, { dueDate: { gte: now } }] });
      const where = { AND: and };
      const [rows, total] = await Promise.all([
        db.mitigation.findMany({ where, include: withOwner, orderBy: [{ dueDate: "asc" }, { id: "asc" }], ...pageArgs(q) }),
        db.mitigation.count({ where }),
      ]);
      return toPage(
        rows.map((m) => mitigationDto(m, now)),
        total,
        q,
      );
    },

    async get(id: number) {
      const m = await db.mitigation.findUnique({ where: { id }, include: withOwner });
      if (!m) throw new NotFoundError("mitigation", id);
      return mitigationDto(m, clock.now());
    },

    async create(input: MitigationCreate, actor: Actor) {
      const now = clock.now();
      const { m, seq } = await write(async (tx) => {
        const risk = await tx.risk.findUnique({ where: { id: input.risk_id }, select: { id: true } });
        if (!risk) throw new ValidationError("validation failed", [{ field: "risk_id", message: `risk ${input.risk_id} not found` }]);
        await assertOwner(tx, input.owner_id);
        const n = normalise({ status: input.status, completionPercent: input.completion_percent }, null, true, now);
        const row = await tx.mitigation.create({
          data: { riskId: input.risk_id, title: input.title, dueDate: input.due_date, ownerId: input.owner_id, createdAt: now, ...n },
          include: withOwner,
        });
        await audit(tx, {
          actor,
          action: "created",
          entity: "mitigation",
          entityId: row.id,
          changes: changedFields(null, auditable(row)),
          at: now,
        });
        return { m: row, seq: await nextDashboardSeq(tx) };
      });
      events.publish({
        type: "mitigation.changed",
        seq,
        change: "created",
        mitigationId: m.id,
        riskId: m.riskId,
        before: null,
        after: mitigationFact(m),
      });
      assigned(events, "mitigation", m, null, actor);
      return mitigationDto(m, now);
    },

    async update(id: number, patch: MitigationUpdate, actor: Actor) {
      const now = clock.now();
      const { before, after, seq } = await write(async (tx) => {
        const cur = await tx.mitigation.findUnique({ where: { id } });
        if (!cur) throw new NotFoundError("mitigation", id);
        await assertOwner(tx, patch.owner_id);
        const n = normalise(
          {
            status: patch.status ?? (cur.status as MitigationStatus),
            completionPercent: patch.completion_percent ?? cur.completionPercent,
          },
          cur,
          patch.completion_percent !== undefined,
          now,
        );
        const row = await tx.mitigation.update({
          where: { id },
          data: {
            title: patch.title,
            dueDate: patch.due_date,
            ownerId: patch.owner_id,
            ...n,
            // A new due date re-arms its overdue notice (domain/notification-rules.ts).
            ...(patch.due_date && patch.due_date.getTime() !== cur.dueDate.getTime() ? { overdueNotifiedFor: null } : {}),
          },
          include: withOwner,
        });
        await audit(tx, {
          actor,
          action: "updated",
          entity: "mitigation",
          entityId: id,
          changes: changedFields(auditable(cur), auditable(row)),
          at: now,
        });
        return { before: cur, after: row, seq: await nextDashboardSeq(tx) };
      });
      events.publish({
        type: "mitigation.changed",
        seq,
        change: "updated",
        mitigationId: id,
        riskId: after.riskId,
        before: mitigationFact(before),
        after: mitigationFact(after),
      });
      assigned(events, "mitigation", after, before.ownerId, actor);
      return mitigationDto(after, now);
    },

    async remove(id: number, actor: Actor) {
      const now = clock.now();
      const { before, seq } = await write(async (tx) => {
        const cur = await tx.mitigation.findUnique({ where: { id } });
        if (!cur) throw new NotFoundError("mitigation", id);
        await tx.mitigation.delete({ where: { id } });
        await audit(tx, {
          actor,
          action: "deleted",
          entity: "mitigation",
          entityId: id,
          changes: changedFields(auditable(cur), null),
          at: now,
        });
        return { before: cur, seq: await nextDashboardSeq(tx) };
      });
      events.publish({
        type: "mitigation.changed",
        seq,
        change: "deleted",
        mitigationId: id,
        riskId: before.riskId,
        before: mitigationFact(before),
        after: null,
      });
    },
  };
}
export type MitigationService = ReturnType<typeof createMitigationService>;
