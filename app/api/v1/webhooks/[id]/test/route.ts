import { idParam, route } from "@/lib/http/route";
import { WEBHOOKS } from "@/lib/http/contracts";

export const POST = route<{ id: string }>(WEBHOOKS.test, async ({ app, params }) => app.webhooks.test(idParam(params.id, "webhook")));
