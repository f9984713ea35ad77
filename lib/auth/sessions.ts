// Browser sessions, server-side: a row per sign-in, named by the `sid` in the JWT cookie. Ending
// a session (sign-out, password change, disabling the user) revokes the row and publishes
// session.revoked, so a copied cookie stops working everywhere at once.
import "server-only";
import crypto from "node:crypto";
import type { Db } from "../db/client";
import type { EventPublisher } from "../domain/events";
import type { Clock } from "../domain/time";

/**
 * Browser sessions: creates the row a sign-in's cookie names (expiring after `maxAgeS`), and
 * ends one or all of a user's, publishing session.revoked so every instance drops them at once.
 */
export function createSessionService(deps: { db: Db; events: EventPublisher; clock: Clock; maxAgeS: number }) {
  const { db, events, clock } = deps;
  return {
    maxAgeS: deps.maxAgeS,
    async create(userId: number) {
      const id = crypto.randomBytes(24).toString("base64url");
      const now = clock.now();
      const expiresAt = new Date(now.getTime() + deps.maxAgeS * 1000);
      await db.session.create({ data: { id, userId, createdAt: now, expiresAt } });
      return { id, expiresAt };
    },
    async revoke(id: string) {
      const s = await db.session.findUnique({ where: { id }, select: { userId: true, revokedAt: true } });
      if (!s || s.revokedAt) return;
      await db.session.update({ where: { id }, data: { revokedAt: clock.now() } });
      events.publish({ type: "session.revoked", userId: s.userId, sessionIds: [id] });
    },
    /** Ends every session of a user, except `keep` (the one changing its own password). */
    async revokeAll(userId: number, keep?: string) {
      await db.session.updateMany({
        where: { userId, revokedAt: null, ...(keep ? { id: { not: keep } } : {}) },
        data: { revokedAt: clock.now() },
      });
      events.publish({ type: "session.revoked", userId, ...(keep ? { keep } : {}) });
    },
  };
}
export type SessionService = ReturnType<typeof createSessionService>;
