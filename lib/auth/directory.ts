// The auth lookups every request and live connection makes — the user, an API token, a browser
// session — cached in memory and dropped the moment an event says they changed (a revoked token
// fails on the very next request; in cluster mode the event arrives from the other instances).
// Roles and the disabled flag always come from here, never from a JWT.
import "server-only";
import type { Db } from "../db/client";
import type { DomainEvent } from "../domain/events";
import { LoadingCache } from "../cache/loading-cache";
import { ROLES, type Role } from "../domain/roles";

export interface UserRecord {
  id: number;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
}
export interface TokenRecord {
  id: number;
  userId: number;
  revoked: boolean;
  lastUsedAt: number | null;
  /** Epoch ms after which the token is refused; null: until revoked. */
  expiresAt: number | null;
}
export interface SessionRecord {
  id: string;
  userId: number;
  expiresAt: number;
  revoked: boolean;
}

/**
 * The cached auth lookups (users, tokens, sessions): each read is cached for `ttlMs` at most and
 * dropped as soon as an event says the record changed (onEvent(), the bus subscriber).
 */
export function createAuthDirectory(deps: { db: Db; ttlMs?: number }) {
  const { db } = deps;
  const ttlMs = deps.ttlMs ?? 30_000;
  const users = new LoadingCache<number, UserRecord | null>(
    async (id) => {
      const u = await db.user.findUnique({ where: { id }, select: { id: true, email: true, name: true, role: true, disabled: true } });
      if (!u || !ROLES.includes(u.role as Role)) return null;
      return { ...u, role: u.role as Role };
    },
    { ttlMs },
  );
  const tokens = new LoadingCache<string, TokenRecord | null>(
    async (hash) => {
      const t = await db.apiToken.findUnique({
        where: { tokenHash: hash },
        select: { id: true, userId: true, revokedAt: true, lastUsedAt: true, expiresAt: true },
      });
      return t
        ? {
            id: t.id,
            userId: t.userId,
            revoked: t.revokedAt !== null,
            lastUsedAt: t.lastUsedAt?.getTime() ?? null,
            expiresAt: t.expiresAt?.getTime() ?? null,
          }
        : null;
    },
    { ttlMs },
  );
  const sessions = new LoadingCache<string, SessionRecord | null>(
    async (id) => {
      const s = await db.session.findUnique({ where: { id } });
      return s ? { id: s.id, userId: s.userId, expiresAt: s.expiresAt.getTime(), revoked: s.revokedAt !== null } : null;
    },
    { ttlMs },
  );

  return {
    user: (id: number) => users.get(id),
    token: (hash: string) => tokens.get(hash),
    session: (id: string) => sessions.get(id),
    /** The bus subscriber: drop whatever an event made stale. */
    onEvent(e: DomainEvent): void {
      switch (e.type) {
        case "user.changed":
          users.invalidate(e.userId);
          if (e.change === "deleted") {
            tokens.invalidateWhere((t) => t?.userId === e.userId);
            sessions.invalidateWhere((s) => s?.userId === e.userId);
          }
          break;
        case "token.revoked":
          tokens.invalidateWhere((t) => t?.id === e.tokenId);
          break;
        case "session.revoked":
          if (e.sessionIds) e.sessionIds.forEach((id) => sessions.invalidate(id));
          else sessions.invalidateWhere((s) => s?.userId === e.userId);
          break;
      }
    },
    stats: () => ({
      users: users.size,
      tokens: tokens.size,
      sessions: sessions.size,
      hits: users.hits + tokens.hits + sessions.hits,
      misses: users.misses + tokens.misses + sessions.misses,
    }),
  };
}
export type AuthDirectory = ReturnType<typeof createAuthDirectory>;
