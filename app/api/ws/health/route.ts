// The real-time layer's health. Analysts get the status and their own channel's client count;
// admins also get memory, the broadcaster's state, errors and the admin channel.
import { route } from "@/lib/http/route";
import { LIVE } from "@/lib/http/contracts";

export const GET = route(LIVE.health, async ({ app, principal }) => {
  const admin = principal.role === "admin";
  const [rt, ready] = await Promise.all([app.realtime.health(admin), app.health.ready()]);
  const status = rt.status === "ok" && ready.ready ? "ok" : app.health.draining ? "draining" : "degraded";
  return admin
    ? {
        ...rt,
        status,
        checks: ready.checks,
        http: { sse_sockets: app.rawResponses.size },
        ...(app.cluster ? { cluster: await app.cluster.view() } : {}),
      }
    : { ...rt, status };
});
