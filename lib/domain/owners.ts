// Owners: the user who answers for a risk or a mitigation. Shared by both services: the zod
// fields of the edge, the Prisma include that brings the owner along, its DTO, and the check that
// a named owner is a user who can sign in (400 on the field otherwise, never a foreign-key 500).
import "server-only";
import { z } from "zod";
import type { Tx } from "../db/client";
import type { Actor } from "./audit";
import type { EventPublisher } from "./events";
import { ValidationError } from "./errors";
import { dbId, MAX_INT4 } from "./schema-helpers";

/** `owner_id` in a body: a user id, or null for "nobody". */
export const ownerField = dbId().nullable();

/** `?owner_id=` on a list: a user id, or `none` for the unowned. */
export const ownerQuery = z.union([z.literal("none"), z.coerce.number().int().positive().max(MAX_INT4, `at most ${MAX_INT4}`)]);
export type OwnerFilter = z.infer<typeof ownerQuery>;
/** The Prisma `where` for an owner filter. */
export const ownerWhere = (f: OwnerFilter | undefined) => (f === undefined ? {} : { ownerId: f === "none" ? null : f });

export const withOwner = { owner: { select: { id: true, name: true, email: true } } } as const;
export interface OwnerDto {
  id: number;
  name: string;
  email: string;
}
export const ownerDto = (o: OwnerDto | null | undefined): OwnerDto | null => (o ? { id: o.id, name: o.name, email: o.email } : null);

/** Refuses an owner that does not exist or is disabled, as a field error. */
export async function assertOwner(tx: Tx, ownerId: number | null | undefined): Promise<void> {
  if (ownerId === null || ownerId === undefined) return;
  const u = await tx.user.findUnique({ where: { id: ownerId }, select: { disabled: true } });
  if (!u) throw new ValidationError("validation failed", [{ field: "owner_id", message: `user ${ownerId} not found` }]);
  if (u.disabled) throw new ValidationError("validation failed", [{ field: "owner_id", message: `user ${ownerId} is disabled` }]);
}

/**
 * Publishes `owner.assigned` when a write gave `row` a new owner who is not the one writing (the
 * owner is told; someone taking a thing on themselves is not).
 */
export function assigned(
  events: EventPublisher,
  entity: "risk" | "mitigation",
  row: { id: number; title: string; ownerId: number | null; riskId?: number },
  before: number | null,
  actor: Actor,
): void {
  if (row.ownerId === null || row.ownerId === before || row.ownerId === actor.id) return;
  events.publish({
    type: "owner.assigned",
    entity,
    id: row.id,
    riskId: row.riskId ?? row.id,
    title: row.title,
    ownerId: row.ownerId,
    actorId: actor.id,
  });
}
