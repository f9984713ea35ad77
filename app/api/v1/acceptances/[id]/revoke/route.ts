import { acceptanceRevokeSchema } from "@/lib/domain/acceptance-rules";
import { body, idParam, route } from "@/lib/http/route";
import { ACCEPTANCES } from "@/lib/http/contracts";

type P = { id: string };
export const POST = route<P>(ACCEPTANCES.revoke, async ({ req, app, params, actor, principal }) =>
  app.acceptances.revoke(idParam(params.id, "acceptance"), await body(req, acceptanceRevokeSchema), { actor, role: principal.role }),
);
