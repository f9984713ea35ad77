import { route } from "@/lib/http/route";
import { ACCOUNT } from "@/lib/http/contracts";

export const GET = route(ACCOUNT.me, async ({ principal }) => ({
  id: principal.userId,
  name: principal.name,
  email: principal.email,
  role: principal.role,
  via: principal.via,
}));
