// Per-user utilisation of every quota in its current window, most utilised first.
import { route } from "@/lib/http/route";

export const GET = route({ role: "admin" }, async ({ app }) => ({ items: (await app.quotas.usage()).slice(0, 200) }));
