import { idParam, route } from "@/lib/http/route";
import { QUOTAS } from "@/lib/http/contracts";

export const POST = route<{ id: string }>(QUOTAS.acknowledge, async ({ app, params, actor }) =>
  app.quotas.alerts.acknowledge(idParam(params.id, "alert"), actor),
);
