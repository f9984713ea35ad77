import { acceptanceDecisionSchema } from "@/lib/domain/acceptance-rules";
import { body, idParam, route } from "@/lib/http/route";
import { ACCEPTANCES } from "@/lib/http/contracts";

type P = { id: string };
export const POST = route<P>(ACCEPTANCES.reject, async ({ req, app, params, actor, principal }) =>
  app.acceptances.reject(idParam(params.id, "acceptance"), await body(req, acceptanceDecisionSchema), { actor, role: principal.role }),
);
