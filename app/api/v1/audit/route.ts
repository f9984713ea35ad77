// The audit log (admins only): who changed what, when; filters actor_id, entity, entity_id, from, to; paging.
import { auditListSchema } from "@/lib/domain/audit";
import { query, route } from "@/lib/http/route";
import { AUDIT } from "@/lib/http/contracts";

export const GET = route(AUDIT.list, async ({ req, app }) => app.audit.list(query(req, auditListSchema)));
