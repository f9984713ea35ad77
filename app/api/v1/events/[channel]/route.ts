// Polling, the last resort: GET /api/v1/events/<dashboard|quotas>?since=<id> answers the messages
// after `since` and the cursor for the next call; without a usable cursor, a snapshot to start
// from. Same envelopes as every other transport; `?sections=a,b` (dashboard): only those sections.
import { CHANNELS, isChannelName } from "@/lib/contract/channels";
import { HttpError } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { poll } from "@/lib/realtime/transports/polling";
import { sectionsParam } from "@/lib/realtime/transports/sections-param";
import { LIVE } from "@/lib/http/contracts";

export const GET = route<{ channel: string }>(LIVE.poll, async ({ req, app, params, principal }) => {
  const name = params.channel;
  if (!isChannelName(name)) throw new HttpError(404, `no channel ${name.slice(0, 40)}`, undefined, undefined, "not_found");
  const role = CHANNELS[name].role;
  if (role && principal.role !== role) throw new HttpError(403, `forbidden: ${role} role required`, undefined, undefined, "forbidden");
  const since = req.nextUrl.searchParams.get("since");
  if (since !== null && since.length > 64) throw new HttpError(400, "since: not an envelope id", undefined, undefined, "bad_request");
  const view = await sectionsParam(app.realtime, name, req.nextUrl.searchParams);
  return name === "dashboard" ? poll(app.realtime.channels.dashboard, since, view) : poll(app.realtime.channels.quotas, since);
});
