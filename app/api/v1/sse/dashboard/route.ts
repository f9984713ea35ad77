import { route } from "@/lib/http/route";
import { sseResponse } from "@/lib/realtime/sse";

export const dynamic = "force-dynamic";
export const GET = route({}, async ({ req, app }) => sseResponse(req, app, "dashboard"));
