import { route } from "@/lib/http/route";
import { QUOTAS } from "@/lib/http/contracts";

export const GET = route(QUOTAS.stats, async ({ app }) => app.realtime.quotaFeed.currentStats());
