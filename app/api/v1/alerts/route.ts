import { alertListSchema } from "@/lib/domain/quota/schemas";
import { query, route } from "@/lib/http/route";

export const GET = route({ role: "admin" }, async ({ req, app }) => app.quotas.alerts.list(query(req, alertListSchema)));
