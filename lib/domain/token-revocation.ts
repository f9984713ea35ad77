// Revoking a user's API tokens as part of a change to the user (a password set by an admin,
// disabling, demoting): a data change like any other, done in the user's transaction, so it
// lives with the domain; lib/auth/api-tokens.ts owns everything else about tokens.
import type { Tx } from "../db/client";
import { audit, type Actor } from "./audit";
import type { DomainEvent } from "./events";

/**
 * Inside a transaction: revokes every live token of a user (audited one by one) and returns the
 * token.revoked events to publish once it commits.
 */
export async function revokeTokensOf(tx: Tx, userId: number, actor: Actor, now: Date, reason: string): Promise<DomainEvent[]> {
  const live = await tx.apiToken.findMany({ where: { userId, revokedAt: null }, select: { id: true } });
  if (live.length === 0) return [];
  await tx.apiToken.updateMany({ where: { id: { in: live.map((t) => t.id) } }, data: { revokedAt: now } });
  for (const t of live)
    await audit(tx, {
      actor,
      action: "revoked",
      entity: "token",
      entityId: t.id,
      changes: { revoked_at: [null, now.toISOString()], reason: [null, reason] },
      at: now,
    });
  return live.map((t) => ({ type: "token.revoked", tokenId: t.id, userId }));
}
