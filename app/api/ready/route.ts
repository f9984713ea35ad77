// Readiness: should this instance get traffic? 200 when its database (and Redis, in cluster mode)
// answer and it is not shutting down; 503 otherwise. No auth, and no error text beyond "unreachable".
import { getContext } from "@/lib/context";
import { contracted } from "@/lib/http/contract";
import { SYSTEM } from "@/lib/http/contracts";

export const dynamic = "force-dynamic";

export const GET = contracted(SYSTEM.ready, async () => {
  const r = await getContext().health.ready();
  return Response.json(r, {
    status: r.ready ? 200 : 503,
    headers: { "cache-control": "no-store", ...(r.ready ? {} : { "retry-after": "5" }) },
  });
});
