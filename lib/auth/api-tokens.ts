// API tokens for programmatic clients (wallboards, scripts). The secret is shown once; only
// its SHA-256 is stored (a 256-bit random secret needs no slow hash). Revoking publishes
// token.revoked: the next request with it fails, and its open sockets and streams close.
import "server-only";
import crypto from "node:crypto";
import { z } from "zod";
import type { Db } from "../db/client";
import { audit, type Actor } from "../domain/audit";
import { NotFoundError } from "../domain/errors";
import type { EventPublisher } from "../domain/events";
import { dbId, text } from "../domain/schema-helpers";
import type { Clock } from "../domain/time";
import { sha256, TOKEN_PREFIX } from "./principal";

export const tokenCreateSchema = z.strictObject({
  name: text().trim().min(1).max(100),
  user_id: dbId().optional(),
});

export interface TokenDto {
  id: number;
  name: string;
  prefix: string;
  user_id: number;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export function createApiTokenService(deps: { db: Db; events: EventPublisher; clock: Clock }) {
  const { db, events, clock } = deps;
  const dto = (t: {
    id: number;
    name: string;
    prefix: string;
    userId: number;
    createdAt: Date;
    lastUsedAt: Date | null;
    revokedAt: Date | null;
  }): TokenDto => ({
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    user_id: t.userId,
    created_at: t.createdAt.toISOString(),
    last_used_at: t.lastUsedAt?.toISOString() ?? null,
    revoked_at: t.revokedAt?.toISOString() ?? null,
  });

  return {
    async create(userId: number, name: string, actor: Actor) {
      const user = await db.user.findUnique({ where: { id: userId }, select: { id: true } });
      if (!user) throw new NotFoundError("user", userId);
      const secret = TOKEN_PREFIX + crypto.randomBytes(32).toString("base64url");
      const now = clock.now();
      const t = await db.$transaction(async (tx) => {
        const row = await tx.apiToken.create({
          data: { name, userId, tokenHash: sha256(secret), prefix: secret.slice(0, TOKEN_PREFIX.length + 6), createdAt: now },
        });
        await audit(tx, {
          actor,
          action: "created",
          entity: "token",
          entityId: row.id,
          changes: { name: [null, name], user_id: [null, userId] },
          at: now,
        });
        return row;
      });
      return { ...dto(t), token: secret };
    },

    async list() {
      const rows = await db.apiToken.findMany({ orderBy: { id: "desc" }, take: 500 });
      return rows.map(dto);
    },

    async revoke(id: number, actor: Actor) {
      const now = clock.now();
      const updated = await db.$transaction(async (tx) => {
        const t = await tx.apiToken.findUnique({ where: { id } });
        if (!t) throw new NotFoundError("token", id);
        if (t.revokedAt) return t;
        const row = await tx.apiToken.update({ where: { id }, data: { revokedAt: now } });
        await audit(tx, {
          actor,
          action: "revoked",
          entity: "token",
          entityId: id,
          changes: { revoked_at: [null, now.toISOString()] },
          at: now,
        });
        return row;
      });
      events.publish({ type: "token.revoked", tokenId: id, userId: updated.userId });
      return dto(updated);
    },

    /** Records a token's last use (called at most once a minute per token). */
    touch(id: number) {
      db.apiToken.update({ where: { id }, data: { lastUsedAt: clock.now() } }).catch(() => undefined);
    },
  };
}
export type ApiTokenService = ReturnType<typeof createApiTokenService>;
