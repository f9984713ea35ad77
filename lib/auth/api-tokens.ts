// API tokens for programmatic clients (wallboards, scripts). The secret is shown once; only
// its SHA-256 is stored (a 256-bit random secret needs no slow hash). A token acts as the user
// who created it, never as anyone else: a script that needs its own identity gets a user of its
// own (a service account) and that user's token. A token may carry an expiry. Revoking publishes
// token.revoked: the next request with it fails, and its open sockets and streams close; an
// admin-forced password reset, disabling or demoting a user revokes all of that user's tokens.
import "server-only";
import crypto from "node:crypto";
import { z } from "zod";
import type { Db } from "../db/client";
import { audit, type Actor } from "../domain/audit";
import { NotFoundError, ValidationError } from "../domain/errors";
import type { EventPublisher } from "../domain/events";
import { boundedDate, text } from "../domain/schema-helpers";
import type { Clock } from "../domain/time";
import { sha256, TOKEN_PREFIX } from "./principal";

const DAY_MS = 86_400_000;
export const MAX_TOKEN_DAYS = 3650;

export const tokenCreateSchema = z
  .strictObject({
    name: text().trim().min(1).max(100),
    /** Days from now until the token stops working. */
    expires_in_days: z.number().int().min(1).max(MAX_TOKEN_DAYS).optional(),
    /** Or an instant (ISO-8601 with offset), in the future. */
    expires_at: boundedDate.optional(),
    // Named so the refusal says why, instead of "unrecognized key".
    user_id: z
      .unknown()
      .optional()
      .refine((v) => v === undefined, {
        message: "a token acts as the user who creates it: sign in as that user (a service account of its own) to create its token",
      }),
  })
  .refine((v) => v.expires_in_days === undefined || v.expires_at === undefined, {
    message: "give expires_in_days or expires_at, not both",
    path: ["expires_at"],
  });
export type TokenCreate = z.infer<typeof tokenCreateSchema>;

export interface TokenDto {
  id: number;
  name: string;
  prefix: string;
  user_id: number;
  user_email: string | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  expires_at: string | null;
}

type TokenRow = {
  id: number;
  name: string;
  prefix: string;
  userId: number;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  expiresAt: Date | null;
  user?: { email: string } | null;
};

const dto = (t: TokenRow): TokenDto => ({
  id: t.id,
  name: t.name,
  prefix: t.prefix,
  user_id: t.userId,
  user_email: t.user?.email ?? null,
  created_at: t.createdAt.toISOString(),
  last_used_at: t.lastUsedAt?.toISOString() ?? null,
  revoked_at: t.revokedAt?.toISOString() ?? null,
  expires_at: t.expiresAt?.toISOString() ?? null,
});

/**
 * API tokens: create (the secret returned once, stored as SHA-256), list, revoke; a revocation
 * publishes an event so live connections on that token close at once, on every instance.
 */
export function createApiTokenService(deps: { db: Db; events: EventPublisher; clock: Clock }) {
  const { db, events, clock } = deps;

  return {
    /** A token for `userId` — always the user asking for it. */
    async create(userId: number, input: Omit<TokenCreate, "user_id">, actor: Actor) {
      const user = await db.user.findUnique({ where: { id: userId }, select: { id: true, email: true } });
      if (!user) throw new NotFoundError("user", userId);
      const now = clock.now();
      const expiresAt =
        input.expires_in_days !== undefined ? new Date(now.getTime() + input.expires_in_days * DAY_MS) : (input.expires_at ?? null);
      if (expiresAt && expiresAt.getTime() <= now.getTime())
        throw new ValidationError("validation failed", [{ field: "expires_at", message: "must be in the future" }]);
      if (expiresAt && expiresAt.getTime() > now.getTime() + MAX_TOKEN_DAYS * DAY_MS)
        throw new ValidationError("validation failed", [{ field: "expires_at", message: `at most ${MAX_TOKEN_DAYS} days from now` }]);
      const secret = TOKEN_PREFIX + crypto.randomBytes(32).toString("base64url");
      const t = await db.$transaction(async (tx) => {
        const row = await tx.apiToken.create({
          data: {
            name: input.name,
            userId,
            tokenHash: sha256(secret),
            prefix: secret.slice(0, TOKEN_PREFIX.length + 6),
            createdAt: now,
            expiresAt,
          },
        });
        await audit(tx, {
          actor,
          action: "created",
          entity: "token",
          entityId: row.id,
          changes: { name: [null, input.name], user_id: [null, userId], expires_at: [null, expiresAt?.toISOString() ?? null] },
          at: now,
        });
        return row;
      });
      return { ...dto({ ...t, user }), token: secret };
    },

    /** Every token (admins), or one user's own. */
    async list(opts: { userId?: number } = {}) {
      const rows = await db.apiToken.findMany({
        where: opts.userId !== undefined ? { userId: opts.userId } : {},
        include: { user: { select: { email: true } } },
        orderBy: { id: "desc" },
        take: 500,
      });
      return rows.map(dto);
    },

    /** Revokes a token; with `ownerId`, only one of that user's own (anything else is not found). */
    async revoke(id: number, actor: Actor, opts: { ownerId?: number } = {}) {
      const now = clock.now();
      const updated = await db.$transaction(async (tx) => {
        const t = await tx.apiToken.findUnique({ where: { id } });
        if (!t || (opts.ownerId !== undefined && t.userId !== opts.ownerId)) throw new NotFoundError("token", id);
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
