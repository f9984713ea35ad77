import { route } from "@/lib/http/route";

export const GET = route({ role: "admin" }, async ({ app }) => app.realtime.quotaFeed.currentStats());
