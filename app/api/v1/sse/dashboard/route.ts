import { sseRoute } from "@/lib/http/sse-route";
import { LIVE } from "@/lib/http/contracts";

export const dynamic = "force-dynamic";
export const { GET, HEAD } = sseRoute("dashboard", LIVE.sseDashboard);
