// Page guards for server components: who is signed in, or off to /login (saying why, when a
// session ended rather than never existed).
import "server-only";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { getContext } from "../context";
import { resolvePrincipal, type AuthResult, type Principal, type Role } from "../auth/principal";

export async function currentAuth(): Promise<AuthResult> {
  const jar = await cookies();
  return resolvePrincipal({ cookies: Object.fromEntries(jar.getAll().map((c) => [c.name, c.value])) }, getContext().auth);
}

export async function currentPrincipal(): Promise<Principal | null> {
  const r = await currentAuth();
  return r.ok ? r.principal : null;
}

/** `path` is where to come back to after signing in. */
export async function requirePrincipal(path: string, role?: Role): Promise<Principal> {
  const r = await currentAuth();
  if (!r.ok) {
    const reason = r.code === "unauthorized" ? "" : `&reason=${encodeURIComponent(r.code)}`;
    redirect(`/login?callbackUrl=${encodeURIComponent(path)}${reason}`);
  }
  if (role && r.principal.role !== role) redirect(`/dashboard?denied=${encodeURIComponent(role)}`);
  return r.principal;
}
