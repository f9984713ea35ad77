// Risk acceptance (README "Risk acceptance"): the schemas of the edge, the answer's shape, and the
// two writes a risk edit makes inside its own transaction — opening a request when a PATCH sets
// treatment `accept`, and closing the open ones when it moves away from it. Kept apart from the
// service (acceptances.ts) so the risk service can call them without an import cycle.
import "server-only";
import { z } from "zod";
import type { Tx } from "../db/client";
import type { RiskAcceptance } from "../db/generated/sqlite/client";
import { audit, changedFields, type Actor } from "./audit";
import { ownerDto, type OwnerDto } from "./owners";
import { pageQuery } from "./pagination";
import { boundedDate, dbIdQuery, text } from "./schema-helpers";

export const ACCEPTANCE_STATUSES = ["pending", "approved", "rejected", "revoked", "expired"] as const;
export type AcceptanceStatus = (typeof ACCEPTANCE_STATUSES)[number];
/** The statuses in which an acceptance still holds the risk's treatment at `accept`. */
export const OPEN_STATUSES: AcceptanceStatus[] = ["pending", "approved"];

const note = text().trim().max(2000, "at most 2000 characters");
export const acceptanceRequestSchema = z.strictObject({
  justification: text().trim().min(1, "a justification is required").max(2000, "at most 2000 characters"),
  /** Until when the risk is to be accepted; the approver may set another date. */
  expires_at: boundedDate,
});
export const acceptanceDecisionSchema = z.strictObject({
  note: note.optional(),
  /** Approve only: replaces the requested expiry. */
  expires_at: boundedDate.optional(),
});
export const acceptanceRevokeSchema = z.strictObject({ note: note.optional() });
export const acceptanceListSchema = z.object({
  status: z.enum(ACCEPTANCE_STATUSES).optional(),
  risk_id: dbIdQuery().optional(),
  ...pageQuery,
});
export type AcceptanceRequest = z.infer<typeof acceptanceRequestSchema>;
export type AcceptanceDecision = z.infer<typeof acceptanceDecisionSchema>;
export type AcceptanceList = z.infer<typeof acceptanceListSchema>;

export interface AcceptanceDto {
  id: number;
  risk_id: number;
  risk_title: string;
  status: AcceptanceStatus;
  justification: string;
  requested_by: OwnerDto | null;
  requested_at: string;
  decided_by: OwnerDto | null;
  decided_at: string | null;
  decision_note: string | null;
  expires_at: string;
}

const person = { select: { id: true, name: true, email: true } } as const;
/** The row includes of every acceptance answer. */
export const acceptanceInclude = { risk: { select: { title: true } }, requestedBy: person, decidedBy: person } as const;
type Row = RiskAcceptance & { risk: { title: string }; requestedBy: OwnerDto | null; decidedBy: OwnerDto | null };

export function acceptanceDto(a: Row): AcceptanceDto {
  return {
    id: a.id,
    risk_id: a.riskId,
    risk_title: a.risk.title,
    status: a.status as AcceptanceStatus,
    justification: a.justification,
    requested_by: ownerDto(a.requestedBy),
    requested_at: a.createdAt.toISOString(),
    decided_by: ownerDto(a.decidedBy),
    decided_at: a.decidedAt?.toISOString() ?? null,
    decision_note: a.decisionNote,
    expires_at: a.expiresAt.toISOString(),
  };
}
const auditable = (a: RiskAcceptance) => ({
  risk_id: a.riskId,
  status: a.status,
  justification: a.justification,
  requested_by: a.requestedById,
  decided_by: a.decidedById,
  decision_note: a.decisionNote,
  expires_at: a.expiresAt.toISOString(),
});

/** A pending request, created and audited with `tx` (the caller checked none is open). */
export async function openAcceptance(
  tx: Tx,
  input: { riskId: number; justification: string; expiresAt: Date },
  actor: Actor,
  now: Date,
): Promise<AcceptanceDto> {
  const a = await tx.riskAcceptance.create({
    data: {
      riskId: input.riskId,
      requestedById: actor.id,
      justification: input.justification,
      expiresAt: input.expiresAt,
      createdAt: now,
    },
    include: acceptanceInclude,
  });
  await audit(tx, {
    actor,
    action: "requested",
    entity: "acceptance",
    entityId: a.id,
    changes: changedFields(null, auditable(a)),
    at: now,
  });
  return acceptanceDto(a);
}

/** The risk's open (pending or approved) acceptance, if any. */
export const findOpen = (tx: Tx, riskId: number) =>
  tx.riskAcceptance.findFirst({ where: { riskId, status: { in: OPEN_STATUSES } }, include: acceptanceInclude, orderBy: { id: "desc" } });

/** Moves an acceptance to `status` with who and why, audited with `tx`. */
export async function settleAcceptance(
  tx: Tx,
  cur: RiskAcceptance,
  change: { status: AcceptanceStatus; note?: string | null; expiresAt?: Date },
  actor: Actor,
  now: Date,
): Promise<AcceptanceDto> {
  const a = await tx.riskAcceptance.update({
    where: { id: cur.id },
    data: {
      status: change.status,
      // Expiry is the clock's doing: the decision it ends stays on the record.
      ...(change.status === "expired" ? {} : { decidedById: actor.id, decidedAt: now, decisionNote: change.note ?? null }),
      ...(change.expiresAt ? { expiresAt: change.expiresAt } : {}),
    },
    include: acceptanceInclude,
  });
  const action = { approved: "approved", rejected: "rejected", revoked: "revoked", expired: "expired", pending: "updated" }[change.status];
  await audit(tx, { actor, action, entity: "acceptance", entityId: a.id, changes: changedFields(auditable(cur), auditable(a)), at: now });
  return acceptanceDto(a);
}
