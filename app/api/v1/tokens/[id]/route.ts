import { idParam, route } from "@/lib/http/route";

export const DELETE = route<{ id: string }>({ role: "admin" }, async ({ app, params, actor }) =>
  app.tokens.revoke(idParam(params.id, "token"), actor),
);
