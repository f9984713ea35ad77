import { z } from "zod";
import type { Db } from "../db/client";
import { DUMMY_HASH, verifyPassword } from "./password";
import { ROLES, type Role } from "./principal";

export const loginSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(200),
  password: z.string().min(1).max(200),
});

/** The user for an e-mail and password, or null; equally slow whether the e-mail exists or not. */
export async function checkCredentials(db: Db, input: unknown) {
  const parsed = loginSchema.safeParse(input);
  if (!parsed.success) return null;
  const user = await db.user.findUnique({ where: { email: parsed.data.email } });
  const ok = await verifyPassword(parsed.data.password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !ok || !ROLES.includes(user.role as Role)) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role as Role };
}
