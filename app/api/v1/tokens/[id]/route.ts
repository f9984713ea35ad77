// Revoking a token: admins any, everyone else their own (another user's token is not found).
import { idParam, route } from "@/lib/http/route";
import { TOKENS } from "@/lib/http/contracts";

export const DELETE = route<{ id: string }>(TOKENS.revoke, async ({ app, params, actor, principal }) =>
  app.tokens.revoke(idParam(params.id, "token"), actor, principal.role === "admin" ? {} : { ownerId: principal.userId }),
);
