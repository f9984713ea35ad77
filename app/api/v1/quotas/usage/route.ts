// Per-user utilisation of every quota in its current window, most utilised first.
import { route } from "@/lib/http/route";
import { QUOTAS } from "@/lib/http/contracts";

export const GET = route(QUOTAS.usage, async ({ app }) => ({ items: (await app.quotas.usage()).slice(0, 200) }));
