// The full dashboard snapshot with its version: the same data a dashboard_update carries, so the
// fallbacks hand components the same shape. Served from the feed's cache (recomputed once per
// change, never per request); waits for a pending change made here (read-your-writes).
// `?refresh=1` is the `refresh` command over REST: re-read now, same per-user rate limit.
// `?trend_days=90|365`: `risk_trends` read for that many days (the live section has 30), for a
// page to read once and then lay the live points over (lib/contract/trend.ts).
import { LIVE_TREND_DAYS } from "@/lib/contract/trend";
import { readTrend } from "@/lib/domain/trend";
import { errorJson } from "@/lib/http/errors";
import { query, route } from "@/lib/http/route";
import { refreshCommand } from "@/lib/realtime/transports/commands";
import { LIVE } from "@/lib/http/contracts";
import { dashboardQuery } from "@/lib/http/contracts/live";

export const GET = route(LIVE.dashboard, async ({ req, app, principal }) => {
  const days = Number(query(req, dashboardQuery).trend_days ?? LIVE_TREND_DAYS);
  const withTrend = async <T extends object>(d: T) =>
    days === LIVE_TREND_DAYS ? d : { ...d, risk_trends: await readTrend(app.db, app.clock.now(), days) };
  if (req.nextUrl.searchParams.get("refresh") !== "1") return withTrend(await app.realtime.feed.current());
  const r = await refreshCommand(app.realtime, principal, app.config);
  return r.ok
    ? withTrend(r.update)
    : errorJson(429, r.error, { code: "rate_limited", headers: { "retry-after": String(Math.ceil(r.retryAfterMs / 1000)) } });
});
