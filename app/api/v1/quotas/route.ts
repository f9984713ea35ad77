import { quotaListSchema, quotaSetSchema } from "@/lib/domain/quota/schemas";
import { body, query, route } from "@/lib/http/route";
import { QUOTAS } from "@/lib/http/contracts";

export const GET = route(QUOTAS.list, async ({ req, app }) => app.quotas.admin.list(query(req, quotaListSchema)));
/** Creates or replaces the quota for (user or default) × command type × period. */
export const PUT = route(QUOTAS.set, async ({ req, app, actor }) => app.quotas.admin.set(await body(req, quotaSetSchema), actor));
