import { acceptanceListSchema } from "@/lib/domain/acceptance-rules";
import { query, route } from "@/lib/http/route";
import { ACCEPTANCES } from "@/lib/http/contracts";

export const GET = route(ACCEPTANCES.list, async ({ req, app }) => app.acceptances.list(query(req, acceptanceListSchema)));
