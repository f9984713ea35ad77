import { route } from "@/lib/http/route";
import { ACCEPTANCES } from "@/lib/http/contracts";

export const GET = route(ACCEPTANCES.myWork, async ({ app, principal }) => app.myWork({ userId: principal.userId, role: principal.role }));
