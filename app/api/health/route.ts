// Liveness for load balancers and orchestration: no auth, no database — a database outage must
// not get a healthy process restarted (readiness is /api/ready).
import { getContext } from "@/lib/context";
import { contracted } from "@/lib/http/contract";
import { SYSTEM } from "@/lib/http/contracts";

export const dynamic = "force-dynamic";

export const GET = contracted(SYSTEM.health, async () => {
  const app = getContext();
  return Response.json(
    { status: "ok", uptime_seconds: Math.round((Date.now() - app.startedAt.getTime()) / 1000) },
    { headers: { "cache-control": "no-store" } },
  );
});
