import { idParam, route } from "@/lib/http/route";
import { WEBHOOKS } from "@/lib/http/contracts";

export const POST = route<{ id: string; delivery: string }>(WEBHOOKS.resend, async ({ app, params, actor }) =>
  app.webhooks.resend(idParam(params.id, "webhook"), idParam(params.delivery, "delivery"), actor),
);
