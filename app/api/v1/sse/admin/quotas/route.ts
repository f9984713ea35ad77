import { sseRoute } from "@/lib/http/sse-route";

export const dynamic = "force-dynamic";
export const { GET, HEAD } = sseRoute("quotas");
