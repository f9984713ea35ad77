import { mitigationCreateSchema, mitigationListSchema } from "@/lib/domain/mitigations";
import { body, created, query, route } from "@/lib/http/route";

export const GET = route({}, async ({ req, app }) => app.mitigations.list(query(req, mitigationListSchema)));
export const POST = route({}, async ({ req, app, actor }) =>
  created(await app.mitigations.create(await body(req, mitigationCreateSchema), actor)),
);
