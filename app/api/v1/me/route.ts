import { route } from "@/lib/http/route";

export const GET = route({}, async ({ principal }) => ({
  id: principal.userId,
  name: principal.name,
  email: principal.email,
  role: principal.role,
  via: principal.via,
}));
