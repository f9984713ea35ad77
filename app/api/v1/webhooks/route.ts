import { webhookCreateSchema } from "@/lib/domain/webhooks/webhooks";
import { body, created, route } from "@/lib/http/route";
import { WEBHOOKS } from "@/lib/http/contracts";

export const GET = route(WEBHOOKS.list, async ({ app }) => app.webhooks.list());
export const POST = route(WEBHOOKS.create, async ({ req, app, actor }) =>
  created(await app.webhooks.create(await body(req, webhookCreateSchema), actor)),
);
