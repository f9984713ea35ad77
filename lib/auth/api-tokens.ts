// API tokens for programmatic clients (wallboards, scripts). The secret is shown once; only
// its SHA-256 is stored (a 256-bit random secret needs no slow hash). Revocation is immediate:
// every use looks the hash up.
import crypto from "node:crypto";
import { z } from "zod";
import type { Db } from "../db/client";
import { NotFoundError } from "../domain/errors";
import type { Clock } from "../domain/time";
import { ROLES, type Principal, type Role } from "./principal";

export const TOKEN_PREFIX = "rp_";
export const tokenCreateSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  user_id: z.number().int().positive().optional(),
});

const sha256 = (s: string) => crypto.createHash("sha256").update(s).digest("hex");
const LAST_USED_RESOLUTION_MS = 60_000; // don't write on every request

export function createApiTokenService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;
  const dto = (t: { id: number; name: string; prefix: string; userId: number; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null }) => ({
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    user_id: t.userId,
    created_at: t.createdAt.toISOString(),
    last_used_at: t.lastUsedAt?.toISOString() ?? null,
    revoked_at: t.revokedAt?.toISOString() ?? null,
  });

  return {
    async create(userId: number, name: string) {
      const user = await db.user.findUnique({ where: { id: userId }, select: { id: true } });
      if (!user) throw new NotFoundError("user", userId);
      const secret = TOKEN_PREFIX + crypto.randomBytes(32).toString("base64url");
      const t = await db.apiToken.create({
        data: { name, userId, tokenHash: sha256(secret), prefix: secret.slice(0, TOKEN_PREFIX.length + 6) },
      });
      return { ...dto(t), token: secret };
    },

    async list() {
      const rows = await db.apiToken.findMany({ orderBy: { id: "desc" }, take: 500 });
      return rows.map(dto);
    },

    async revoke(id: number) {
      const t = await db.apiToken.findUnique({ where: { id } });
      if (!t) throw new NotFoundError("token", id);
      const updated = t.revokedAt ? t : await db.apiToken.update({ where: { id }, data: { revokedAt: clock.now() } });
      return dto(updated);
    },

    async verify(secret: string): Promise<Principal | null> {
      if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 100) return null;
      const t = await db.apiToken.findUnique({ where: { tokenHash: sha256(secret) }, include: { user: true } });
      if (!t || t.revokedAt || !ROLES.includes(t.user.role as Role)) return null;
      const now = clock.now();
      if (!t.lastUsedAt || now.getTime() - t.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
        await db.apiToken.update({ where: { id: t.id }, data: { lastUsedAt: now } }).catch(() => undefined);
      }
      return { userId: t.user.id, role: t.user.role as Role, name: t.user.name, email: t.user.email, via: "token" };
    },
  };
}
export type ApiTokenService = ReturnType<typeof createApiTokenService>;
