// Mitigations: validation schemas and the service. A mitigation belongs to a risk; it is
// overdue when past due and not completed.
import { z } from "zod";
import type { Db } from "../db/client";
import type { Mitigation, Prisma } from "../db/generated/sqlite/client";
import { NotFoundError, ValidationError } from "./errors";
import type { EventPublisher } from "./events";
import { pageArgs, pageQuery, toPage } from "./pagination";
import { updateSchema } from "./update-schema";
import { DAY_MS, type Clock } from "./time";

export const MITIGATION_STATUSES = ["not_started", "in_progress", "completed"] as const;
export type MitigationStatus = (typeof MITIGATION_STATUSES)[number];

const dueDate = z.iso.datetime({ offset: true }).or(z.iso.date()).transform((s) => new Date(s));
const mitigationFields = {
  title: z.string().trim().min(1, "title is required").max(200, "title is at most 200 characters"),
  status: z.enum(MITIGATION_STATUSES),
  completion_percent: z.number().int().min(0).max(100),
  due_date: dueDate,
};
export const mitigationCreateSchema = z.strictObject({
  risk_id: z.number().int().positive(),
  ...mitigationFields,
  status: mitigationFields.status.default("not_started"),
  completion_percent: mitigationFields.completion_percent.default(0),
});
export const mitigationUpdateSchema = updateSchema(mitigationFields);
export const mitigationListSchema = z.object({
  risk_id: z.coerce.number().int().positive().optional(),
  status: z.enum(MITIGATION_STATUSES).optional(),
  overdue: z.enum(["true", "false"]).transform((v) => v === "true").optional(),
  ...pageQuery,
});
export type MitigationCreate = z.infer<typeof mitigationCreateSchema>;
export type MitigationUpdate = z.infer<typeof mitigationUpdateSchema>;
export type MitigationList = z.infer<typeof mitigationListSchema>;

export const isOverdue = (m: Pick<Mitigation, "status" | "dueDate">, now: Date) =>
  m.status !== "completed" && m.dueDate.getTime() < now.getTime();
export const daysRemaining = (due: Date, now: Date) => Math.ceil((due.getTime() - now.getTime()) / DAY_MS);

export function mitigationDto(m: Mitigation, now: Date) {
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
  };
}

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

export function createMitigationService(deps: { db: Db; events: EventPublisher; clock: Clock }) {
  const { db, events, clock } = deps;
  const changed = (m: { id: number; riskId: number }, change: "created" | "updated" | "deleted") =>
    events.publish({ type: "mitigation.changed", mitigationId: m.id, riskId: m.riskId, change });

  return {
    async list(q: MitigationList) {
      const now = clock.now();
      const and: Prisma.MitigationWhereInput[] = [];
      if (q.risk_id) and.push({ riskId: q.risk_id });
      if (q.status) and.push({ status: q.status });
      if (q.overdue === true) and.push({ status: { not: "completed" }, dueDate: { lt: now } });
      if (q.overdue === false) and.push({ OR: [{ status: "completed" }, { dueDate: { gte: now } }] });
      const where = { AND: and };
      const [rows, total] = await Promise.all([
        db.mitigation.findMany({ where, orderBy: [{ dueDate: "asc" }, { id: "asc" }], ...pageArgs(q) }),
        db.mitigation.count({ where }),
      ]);
      return toPage(rows.map((m) => mitigationDto(m, now)), total, q);
    },

    async get(id: number) {
      const m = await db.mitigation.findUnique({ where: { id } });
      if (!m) throw new NotFoundError("mitigation", id);
      return mitigationDto(m, clock.now());
    },

    async create(input: MitigationCreate) {
      const now = clock.now();
      const risk = await db.risk.findUnique({ where: { id: input.risk_id }, select: { id: true } });
      if (!risk) throw new ValidationError("validation failed", [{ field: "risk_id", message: `risk ${input.risk_id} not found` }]);
      const n = normalise({ status: input.status, completionPercent: input.completion_percent }, null, true, now);
      const m = await db.mitigation.create({
        data: { riskId: input.risk_id, title: input.title, dueDate: input.due_date, ...n },
      });
      changed(m, "created");
      return mitigationDto(m, now);
    },

    async update(id: number, patch: MitigationUpdate) {
      const now = clock.now();
      const m = await db.$transaction(async (tx) => {
        const cur = await tx.mitigation.findUnique({ where: { id } });
        if (!cur) throw new NotFoundError("mitigation", id);
        const n = normalise(
          {
            status: patch.status ?? (cur.status as MitigationStatus),
            completionPercent: patch.completion_percent ?? cur.completionPercent,
          },
          cur,
          patch.completion_percent !== undefined,
          now,
        );
        return tx.mitigation.update({
          where: { id },
          data: { title: patch.title, dueDate: patch.due_date, ...n },
        });
      });
      changed(m, "updated");
      return mitigationDto(m, now);
    },

    async remove(id: number) {
      const m = await db.mitigation.findUnique({ where: { id }, select: { id: true, riskId: true } });
      const deleted = await db.mitigation.deleteMany({ where: { id } });
      if (!m || deleted.count === 0) throw new NotFoundError("mitigation", id);
      changed(m, "deleted");
    },
  };
}
export type MitigationService = ReturnType<typeof createMitigationService>;
