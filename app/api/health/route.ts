// Liveness for load balancers and orchestration: no auth, no data.
import { getContext } from "@/lib/context";

export const dynamic = "force-dynamic";

export async function GET() {
  const app = getContext();
  await app.db.user.count({ take: 1 });
  return Response.json({ status: "ok", uptime_seconds: Math.round((Date.now() - app.startedAt.getTime()) / 1000) });
}
