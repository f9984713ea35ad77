import { riskUpdateSchema } from "@/lib/domain/risks";
import { body, idParam, route } from "@/lib/http/route";

type P = { id: string };
export const GET = route<P>({}, async ({ app, params }) => app.risks.get(idParam(params.id, "risk")));
export const PATCH = route<P>({}, async ({ req, app, params, actor }) => {
  const id = idParam(params.id, "risk");
  return app.risks.update(id, await body(req, riskUpdateSchema), actor);
});
export const DELETE = route<P>({}, async ({ app, params, actor }) => app.risks.remove(idParam(params.id, "risk"), actor));
