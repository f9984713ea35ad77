import { quotaListSchema, quotaSetSchema } from "@/lib/domain/quota/schemas";
import { body, query, route } from "@/lib/http/route";

export const GET = route({ role: "admin" }, async ({ req, app }) => app.quotas.admin.list(query(req, quotaListSchema)));
/** Creates or replaces the quota for (user or default) × command type × period. */
export const PUT = route({ role: "admin" }, async ({ req, app, actor }) => app.quotas.admin.set(await body(req, quotaSetSchema), actor));
