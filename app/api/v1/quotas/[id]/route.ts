import { idParam, route } from "@/lib/http/route";

export const DELETE = route<{ id: string }>({ role: "admin" }, async ({ app, params }) => app.quotas.admin.remove(idParam(params.id, "quota")));
