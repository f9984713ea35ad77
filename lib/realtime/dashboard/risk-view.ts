// A live channel per risk, on the dashboard's log (README "Real-time protocol", risks): the
// per-risk messages (RISK_MESSAGE_TYPES: field changes, score points, mitigation changes, the
// deletion) are logged with the dashboard's patches — one log, one cursor, resumed exactly like
// them — and each names its risk. A connection subscribed to a risk sees it through a RiskView,
// which passes that risk's messages and hands everything else to its sections' view; every other
// connection never sees a per-risk message (transport-core.ts seenBy), so the original clients'
// streams are unchanged.
import "server-only";
import type { Logged } from "../log/logged";
import { isRiskMessage, type SessionView } from "../transport-core";

/** The risk a per-risk message is about. */
const riskOf = (m: Logged): number => (m.envelope.data as { risk_id: number }).risk_id;

/** Sections (or the whole dashboard) plus one risk's messages; shared by every connection with the same pair. */
export class RiskView implements SessionView {
  constructor(
    readonly key: string,
    readonly risk: number,
    /** The sections' view (null: the whole dashboard). */
    readonly inner: SessionView | null,
  ) {}

  apply(m: Logged): Logged | null {
    if (isRiskMessage(m)) return riskOf(m) === this.risk ? m : null;
    return this.inner ? this.inner.apply(m) : m;
  }
}
