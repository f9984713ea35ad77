import { idParam, route } from "@/lib/http/route";

export const POST = route<{ id: string }>({ role: "admin" }, async ({ app, params, actor }) =>
  app.quotas.alerts.acknowledge(idParam(params.id, "alert"), actor),
);
