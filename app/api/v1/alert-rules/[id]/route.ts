import { alertRulePatchSchema } from "@/lib/domain/quota/alert-rules";
import { body, idParam, route } from "@/lib/http/route";
import { QUOTAS } from "@/lib/http/contracts";

export const PATCH = route<{ id: string }>(QUOTAS.updateAlertRule, async ({ req, app, params, actor }) =>
  app.quotas.alertRules.update(idParam(params.id, "alert rule"), await body(req, alertRulePatchSchema), actor),
);
export const DELETE = route<{ id: string }>(QUOTAS.deleteAlertRule, async ({ app, params, actor }) =>
  app.quotas.alertRules.remove(idParam(params.id, "alert rule"), actor),
);
