import { deliveryListSchema } from "@/lib/domain/webhooks/webhooks";
import { idParam, query, route } from "@/lib/http/route";
import { WEBHOOKS } from "@/lib/http/contracts";

export const GET = route<{ id: string }>(WEBHOOKS.deliveries, async ({ req, app, params }) =>
  app.webhooks.deliveries(idParam(params.id, "webhook"), query(req, deliveryListSchema)),
);
