import { mitigationCreateSchema, mitigationListSchema } from "@/lib/domain/mitigations";
import { body, created, query, route } from "@/lib/http/route";
import { MITIGATIONS } from "@/lib/http/contracts";

export const GET = route(MITIGATIONS.list, async ({ req, app }) => app.mitigations.list(query(req, mitigationListSchema)));
export const POST = route(MITIGATIONS.create, async ({ req, app, actor }) =>
  created(await app.mitigations.create(await body(req, mitigationCreateSchema), actor)),
);
