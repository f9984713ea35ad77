// `?sections=a,b` and `?risk=<id>` on the HTTP transports (SSE, polling), validated at the edge:
// sections with the contract's zod schema (lib/contract/sections.ts), the risk as every transport
// checks it (commands.ts riskOf: one the user may read).
import { CODES } from "../../contract/codes";
import { HttpError } from "../../http/errors";
import type { ChannelName } from "../../contract/protocol";
import { parseSections } from "../../contract/sections";
import type { SessionView } from "../transport-core";
import type { RealtimeHub } from "../hub";
import { riskOf } from "./commands";

/**
 * `?sections=a,b` and `?risk=<id>` of an SSE or polling request, validated (400 naming the bad
 * name; 404 `unknown_risk` for a risk that does not exist): the view they ask for, null for
 * everything. Only the dashboard has sections and risks.
 */
export async function sectionsParam(hub: RealtimeHub, name: ChannelName, params: URLSearchParams): Promise<SessionView | null> {
  const raw = params.get("sections");
  let sections = null;
  if (raw !== null) {
    if (name !== "dashboard")
      throw new HttpError(400, "sections: only the dashboard channel has sections", undefined, undefined, "invalid_input");
    const parsed = parseSections(raw);
    if (!parsed.ok) throw new HttpError(400, parsed.error, parsed.details, undefined, "invalid_input");
    sections = parsed.sections;
  }
  const risk = await riskOf(hub, name, params.get("risk"));
  if (!risk.ok)
    throw new HttpError(
      CODES[risk.code].status,
      risk.error,
      risk.code === "bad_request" ? [{ field: "risk", message: risk.error }] : undefined,
      undefined,
      risk.code === "bad_request" ? "invalid_input" : risk.code,
    );
  return hub.sections.viewWithRisk(sections, risk.risk);
}
