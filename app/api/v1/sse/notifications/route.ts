import { LIVE } from "@/lib/http/contracts";
import { sseRoute } from "@/lib/realtime/transports/sse-route";

export const dynamic = "force-dynamic";
export const { GET, HEAD } = sseRoute("notifications", LIVE.sseNotifications);
