// Revoking a token: admins any, everyone else their own (another user's token is not found).
import { idParam, route } from "@/lib/http/route";

export const DELETE = route<{ id: string }>({}, async ({ app, params, actor, principal }) =>
  app.tokens.revoke(idParam(params.id, "token"), actor, principal.role === "admin" ? {} : { ownerId: principal.userId }),
);
