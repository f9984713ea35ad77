// The full dashboard snapshot (SPEC §2) with its version: the same data a dashboard_update
// carries, so the polling fallback hands components the same shape. Served from the feed's
// cache (recomputed once per change, never per request).
import { route } from "@/lib/http/route";

export const GET = route({}, async ({ app }) => app.realtime.feed.current());
