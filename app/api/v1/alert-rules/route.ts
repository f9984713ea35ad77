import { alertRuleCreateSchema } from "@/lib/domain/quota/alert-rules";
import { body, created, route } from "@/lib/http/route";
import { QUOTAS } from "@/lib/http/contracts";

export const GET = route(QUOTAS.alertRules, async ({ app }) => app.quotas.alertRules.list());
export const POST = route(QUOTAS.createAlertRule, async ({ req, app, actor }) =>
  created(await app.quotas.alertRules.create(await body(req, alertRuleCreateSchema), actor)),
);
