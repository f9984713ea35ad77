import { idParam, route } from "@/lib/http/route";
import { QUOTAS } from "@/lib/http/contracts";

export const DELETE = route<{ id: string }>(QUOTAS.remove, async ({ app, params, actor }) =>
  app.quotas.admin.remove(idParam(params.id, "quota"), actor),
);
