// The full dashboard snapshot with its version: the same data a dashboard_update carries, so the
// fallbacks hand components the same shape. Served from the feed's cache (recomputed once per
// change, never per request); waits for a pending change made here (read-your-writes).
// `?refresh=1` is the `refresh` command over REST: re-read now, same per-user rate limit.
import { errorJson } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { refreshCommand } from "@/lib/realtime/transports/commands";
import { LIVE } from "@/lib/http/contracts";

export const GET = route(LIVE.dashboard, async ({ req, app, principal }) => {
  if (req.nextUrl.searchParams.get("refresh") !== "1") return app.realtime.feed.current();
  const r = await refreshCommand(app.realtime, principal, app.config);
  return r.ok
    ? r.update
    : errorJson(429, r.error, { code: "rate_limited", headers: { "retry-after": String(Math.ceil(r.retryAfterMs / 1000)) } });
});
