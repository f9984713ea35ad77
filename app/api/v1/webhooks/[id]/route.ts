import { webhookPatchSchema } from "@/lib/domain/webhooks/webhooks";
import { body, idParam, route } from "@/lib/http/route";
import { WEBHOOKS } from "@/lib/http/contracts";

export const PATCH = route<{ id: string }>(WEBHOOKS.update, async ({ req, app, params, actor }) =>
  app.webhooks.update(idParam(params.id, "webhook"), await body(req, webhookPatchSchema), actor),
);
export const DELETE = route<{ id: string }>(WEBHOOKS.remove, async ({ app, params, actor }) =>
  app.webhooks.remove(idParam(params.id, "webhook"), actor),
);
