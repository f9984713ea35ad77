// The two SSE routes: GET streams (same auth and caps as the sockets; the stream re-checks its
// credential for as long as it is open); HEAD answers the headers only. Next would answer HEAD
// by running GET and never cancel the body, so each `curl -I` would keep a stream (and a slot
// under MAX_CONNECTIONS) for good.
import { CODES } from "../../contract/codes";
import type { ChannelName } from "../../contract/protocol";
import { SSE_HEADERS, SseRefusal, sseResponse } from "./sse";
import { CONN_HEADER } from "../../server/raw-responses";
import type { RouteContract } from "../../http/contract";
import { HttpError } from "../../http/errors";
import { route } from "../../http/route";
import { sectionsParam } from "./sections-param";

/**
 * The GET and HEAD handlers of one channel's SSE route: GET checks the cursor and streams
 * (a core refusal becomes its code's status and body); HEAD answers the stream's headers only.
 */
export function sseRoute(name: ChannelName, contracts: { get: RouteContract; head: RouteContract }) {
  return {
    GET: route(contracts.get, async ({ req, app, principal, recheck }) => {
      const cursor = req.headers.get("last-event-id") ?? req.nextUrl.searchParams.get("lastEventId");
      if (cursor !== null && cursor.length > 64)
        throw new HttpError(400, "Last-Event-ID: not an envelope id", undefined, undefined, "bad_request");
      const view = await sectionsParam(app.realtime, name, req.nextUrl.searchParams);
      try {
        const conn = req.headers.get(CONN_HEADER);
        const destroySocket = () => app.rawResponses.destroy(conn);
        return sseResponse(
          { hub: app.realtime, config: app.config, log: app.log },
          name,
          { principal, recheck },
          { cursor, signal: req.signal, destroySocket, view },
        );
      } catch (e) {
        if (e instanceof SseRefusal) throw new HttpError(CODES[e.code].status, e.message, undefined, undefined, e.code);
        throw e;
      }
    }),
    HEAD: route(contracts.head, async () => new Response(null, { headers: SSE_HEADERS })),
  };
}
