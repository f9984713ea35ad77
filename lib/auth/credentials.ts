// Checking an e-mail and password: equally slow whether the e-mail exists or not, refused for
// disabled users, and transparently upgrading hashes made with older scrypt parameters.
import "server-only";
import { z } from "zod";
import type { Db } from "../db/client";
import { DUMMY_HASH, hashPassword, verifyPassword } from "../hashing/password";
import { ROLES, type Role } from "../domain/roles";

export const loginSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(200),
  password: z.string().min(1).max(200),
});

export interface CheckedUser {
  id: number;
  email: string;
  name: string;
  role: Role;
}

/**
 * The user an e-mail and password sign in as, or null (wrong, unknown, disabled, or not a valid
 * form) — equally slow either way; an old hash is upgraded on success.
 */
export async function checkCredentials(db: Db, input: unknown): Promise<CheckedUser | null> {
  const parsed = loginSchema.safeParse(input);
  if (!parsed.success) return null;
  const user = await db.user.findUnique({ where: { email: parsed.data.email } });
  const { ok, needsRehash } = await verifyPassword(parsed.data.password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !ok || user.disabled || !ROLES.includes(user.role as Role)) return null;
  if (needsRehash) {
    const passwordHash = await hashPassword(parsed.data.password);
    // Only if nobody changed the password meanwhile.
    await db.user.updateMany({ where: { id: user.id, passwordHash: user.passwordHash }, data: { passwordHash } });
  }
  return { id: user.id, email: user.email, name: user.name, role: user.role as Role };
}
