import { markReadSchema } from "@/lib/domain/notifications";
import { body, route } from "@/lib/http/route";
import { NOTIFICATIONS } from "@/lib/http/contracts";

export const POST = route(NOTIFICATIONS.read, async ({ req, app, principal }) =>
  app.notifications.markRead(principal.userId, await body(req, markReadSchema)),
);
