import { alertListSchema } from "@/lib/domain/quota/schemas";
import { query, route } from "@/lib/http/route";
import { QUOTAS } from "@/lib/http/contracts";

export const GET = route(QUOTAS.alerts, async ({ req, app }) => app.quotas.alerts.list(query(req, alertListSchema)));
