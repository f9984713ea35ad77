// Real-time statistics. Analysts see their own channel's figures; admins see every channel, by transport.
import { route } from "@/lib/http/route";
import { LIVE } from "@/lib/http/contracts";

export const GET = route(LIVE.stats, async ({ app, principal }) => {
  const admin = principal.role === "admin";
  return {
    ...app.realtime.stats(admin),
    ...(admin && app.cluster ? { instance: app.config.instanceId, cluster: await app.cluster.view() } : {}),
  };
});
