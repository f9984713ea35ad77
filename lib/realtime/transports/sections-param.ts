// `?sections=a,b` on the HTTP transports (SSE, polling), validated at the edge with the contract's
// zod schema (lib/contract/sections.ts).
import { HttpError } from "../../http/errors";
import type { ChannelName } from "../../contract/protocol";
import { parseSections } from "../../contract/sections";
import type { SessionView } from "../transport-core";
import type { RealtimeHub } from "../hub";

/**
 * `?sections=a,b` of an SSE or polling request, validated (400 naming the bad name): the view it
 * asks for, null for everything. Only the dashboard has sections.
 */
export function sectionsParam(hub: RealtimeHub, name: ChannelName, params: URLSearchParams): SessionView | null {
  const raw = params.get("sections");
  if (raw === null) return null;
  if (name !== "dashboard")
    throw new HttpError(400, "sections: only the dashboard channel has sections", undefined, undefined, "invalid_input");
  const parsed = parseSections(raw);
  if (!parsed.ok) throw new HttpError(400, parsed.error, parsed.details, undefined, "invalid_input");
  return hub.sections.view(parsed.sections);
}
