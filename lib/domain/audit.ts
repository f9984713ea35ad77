// The audit log: who changed what, when, before → after. Written with the same transaction
// client as the change it records, so either both are stored or neither.
import "server-only";
import { z } from "zod";
import type { Db, Tx } from "../db/client";
import type { Prisma } from "../db/generated/sqlite/client";
import { pageArgs, pageQuery, toPage } from "./pagination";
import { boundedDate } from "./schema-helpers";

export interface Actor {
  id: number | null;
  label: string;
}
export const SYSTEM: Actor = { id: null, label: "system" };
export const actorOf = (p: { userId: number; email: string }): Actor => ({ id: p.userId, label: p.email });

export const AUDIT_ENTITIES = ["risk", "mitigation", "quota", "user", "token", "alert", "alert_rule", "webhook", "acceptance"] as const;
export type AuditEntity = (typeof AUDIT_ENTITIES)[number];
export type FieldChanges = Record<string, [unknown, unknown]>;

/** The fields that differ between two versions of a record ({} when created/deleted: all of them). */
export function changedFields(
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
  hide: string[] = [],
): FieldChanges {
  const out: FieldChanges = {};
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const k of keys) {
    const a = before?.[k] ?? null;
    const b = after?.[k] ?? null;
    const norm = (v: unknown) => (v instanceof Date ? v.toISOString() : v);
    if (JSON.stringify(norm(a)) === JSON.stringify(norm(b))) continue;
    out[k] = hide.includes(k) ? ["(hidden)", "(hidden)"] : [norm(a), norm(b)];
  }
  return out;
}

/** Writes one audit entry with `tx`, the transaction of the change it records: both are stored or neither. */
export async function audit(
  tx: Tx | Db,
  entry: { actor: Actor; action: string; entity: AuditEntity; entityId: number | string; changes?: FieldChanges; at: Date },
): Promise<void> {
  await tx.auditEntry.create({
    data: {
      at: entry.at,
      actorId: entry.actor.id,
      actorLabel: entry.actor.label,
      action: entry.action,
      entity: entry.entity,
      entityId: String(entry.entityId),
      changes: JSON.stringify(entry.changes ?? {}),
    },
  });
}

export const auditListSchema = z.object({
  actor_id: z.coerce.number().int().positive().max(2147483647).optional(),
  entity: z.enum(AUDIT_ENTITIES).optional(),
  entity_id: z.string().max(64).optional(),
  from: boundedDate.optional(),
  to: boundedDate.optional(),
  ...pageQuery,
});
export type AuditList = z.infer<typeof auditListSchema>;

export interface AuditDto {
  id: number;
  at: string;
  actor_id: number | null;
  actor: string;
  action: string;
  entity: string;
  entity_id: string;
  changes: FieldChanges;
}

/** Reads the audit log (filters, paging), newest first. */
export function createAuditService(deps: { db: Db }) {
  return {
    async list(q: AuditList) {
      const where: Prisma.AuditEntryWhereInput = {
        actorId: q.actor_id,
        entity: q.entity,
        entityId: q.entity_id,
        ...(q.from || q.to ? { at: { ...(q.from ? { gte: q.from } : {}), ...(q.to ? { lte: q.to } : {}) } } : {}),
      };
      const [rows, total] = await Promise.all([
        deps.db.auditEntry.findMany({ where, orderBy: { id: "desc" }, ...pageArgs(q) }),
        deps.db.auditEntry.count({ where }),
      ]);
      const items: AuditDto[] = rows.map((r) => ({
        id: r.id,
        at: r.at.toISOString(),
        actor_id: r.actorId,
        actor: r.actorLabel,
        action: r.action,
        entity: r.entity,
        entity_id: r.entityId,
        changes: JSON.parse(r.changes) as FieldChanges,
      }));
      return toPage(items, total, q);
    },
  };
}
export type AuditService = ReturnType<typeof createAuditService>;
