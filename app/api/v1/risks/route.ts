import { riskCreateSchema, riskListSchema } from "@/lib/domain/risks";
import { body, created, query, route } from "@/lib/http/route";

export const GET = route({}, async ({ req, app }) => app.risks.list(query(req, riskListSchema)));
export const POST = route({}, async ({ req, app, actor }) => created(await app.risks.create(await body(req, riskCreateSchema), actor)));
