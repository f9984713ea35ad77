import { riskCreateSchema, riskListSchema } from "@/lib/domain/risks";
import { body, created, query, route } from "@/lib/http/route";
import { RISKS } from "@/lib/http/contracts";

export const GET = route(RISKS.list, async ({ req, app }) => app.risks.list(query(req, riskListSchema)));
export const POST = route(RISKS.create, async ({ req, app, actor }) =>
  created(await app.risks.create(await body(req, riskCreateSchema), actor)),
);
