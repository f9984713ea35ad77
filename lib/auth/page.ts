// Page guards for server components: who is signed in, or off to /login.
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { getContext } from "../context";
import { resolvePrincipal, type Principal, type Role } from "./principal";

export async function currentPrincipal(): Promise<Principal | null> {
  const jar = await cookies();
  return resolvePrincipal({ cookies: Object.fromEntries(jar.getAll().map((c) => [c.name, c.value])) }, getContext());
}

/** `path` is where to come back to after signing in. */
export async function requirePrincipal(path: string, role?: Role): Promise<Principal> {
  const principal = await currentPrincipal();
  if (!principal) redirect(`/login?callbackUrl=${encodeURIComponent(path)}`);
  if (role && principal.role !== role) redirect(`/dashboard?denied=${encodeURIComponent(role)}`);
  return principal;
}
