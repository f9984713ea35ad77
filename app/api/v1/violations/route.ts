import { violationListSchema } from "@/lib/domain/quota/schemas";
import { query, route } from "@/lib/http/route";
import { QUOTAS } from "@/lib/http/contracts";

export const GET = route(QUOTAS.violations, async ({ req, app }) => app.quotas.commands.violations(query(req, violationListSchema)));
