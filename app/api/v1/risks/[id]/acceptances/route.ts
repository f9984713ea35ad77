import { acceptanceRequestSchema } from "@/lib/domain/acceptance-rules";
import { body, created, idParam, route } from "@/lib/http/route";
import { ACCEPTANCES } from "@/lib/http/contracts";

type P = { id: string };
export const GET = route<P>(ACCEPTANCES.forRisk, async ({ app, params }) => app.acceptances.forRisk(idParam(params.id, "risk")));
export const POST = route<P>(ACCEPTANCES.request, async ({ req, app, params, actor }) =>
  created(await app.acceptances.request(idParam(params.id, "risk"), await body(req, acceptanceRequestSchema), actor)),
);
