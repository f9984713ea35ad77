// Polling, the last resort: GET /api/v1/events/<dashboard|quotas>?since=<id> answers the
// messages after `since` and the cursor for the next call; without a usable cursor, a snapshot
// to start from. Same envelopes as every other channel.
import { HttpError } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { catchUp } from "@/lib/realtime/replay";

export const GET = route<{ channel: string }>({}, async ({ req, app, params, principal }) => {
  const name = params.channel;
  if (name !== "dashboard" && name !== "quotas") throw new HttpError(404, `no channel ${name}`);
  if (name === "quotas" && principal.role !== "admin") throw new HttpError(403, "forbidden: admin role required");
  const since = req.nextUrl.searchParams.get("since");
  const c = await catchUp(app, name, since);
  // The cursor is where this answer ends: the last message sent, or the snapshot's own offset.
  return c.kind === "messages"
    ? { messages: c.messages, next: c.messages.at(-1)?.id ?? since }
    : { messages: [], snapshot: c.snapshot, resync: c.reason !== "no_cursor", reason: c.reason, next: c.snapshot.id };
});
