import { route } from "@/lib/http/route";
import { sseResponse } from "@/lib/realtime/sse";

export const dynamic = "force-dynamic";
export const GET = route({ role: "admin" }, async ({ req, app }) => sseResponse(req, app, "quotas", { maxClients: app.config.MAX_CONNECTIONS }));
