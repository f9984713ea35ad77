import { notificationListSchema } from "@/lib/domain/notifications";
import { query, route } from "@/lib/http/route";
import { NOTIFICATIONS } from "@/lib/http/contracts";

export const GET = route(NOTIFICATIONS.list, async ({ req, app, principal }) =>
  app.notifications.list(principal.userId, query(req, notificationListSchema)),
);
