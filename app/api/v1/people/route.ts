import { PEOPLE } from "@/lib/http/contracts";
import { route } from "@/lib/http/route";

// The owner pickers' choices, for every signed-in user (the full user list stays admin-only).
export const GET = route(PEOPLE.list, async ({ app }) => ({ items: await app.users.people() }));
