import { expectedVersion, riskUpdateSchema } from "@/lib/domain/risks";
import { body, idParam, route } from "@/lib/http/route";
import { RISKS } from "@/lib/http/contracts";

type P = { id: string };
export const GET = route<P>(RISKS.get, async ({ app, params }) => app.risks.get(idParam(params.id, "risk")));
export const PATCH = route<P>(RISKS.update, async ({ req, app, params, actor }) => {
  const id = idParam(params.id, "risk");
  const patch = await body(req, riskUpdateSchema);
  return app.risks.update(id, patch, actor, expectedVersion(patch.version, req.headers.get("if-match")));
});
export const DELETE = route<P>(RISKS.remove, async ({ app, params, actor }) => app.risks.remove(idParam(params.id, "risk"), actor));
