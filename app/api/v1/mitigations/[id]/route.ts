import { mitigationUpdateSchema } from "@/lib/domain/mitigations";
import { body, idParam, route } from "@/lib/http/route";
import { MITIGATIONS } from "@/lib/http/contracts";

type P = { id: string };
export const GET = route<P>(MITIGATIONS.get, async ({ app, params }) => app.mitigations.get(idParam(params.id, "mitigation")));
export const PATCH = route<P>(MITIGATIONS.update, async ({ req, app, params, actor }) => {
  const id = idParam(params.id, "mitigation");
  return app.mitigations.update(id, await body(req, mitigationUpdateSchema), actor);
});
export const DELETE = route<P>(MITIGATIONS.remove, async ({ app, params, actor }) =>
  app.mitigations.remove(idParam(params.id, "mitigation"), actor),
);
