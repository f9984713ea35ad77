// "My work" (README "My work"): what waits for one user — open risks they own, their mitigations
// due within a week or overdue, reviews of their risks due within a week or overdue, and, for
// admins, the acceptance requests they may decide (not their own: four-eyes). Read-only; each list
// is bounded, so the page stays one small request.
import "server-only";
import type { Db } from "../db/client";
import type { AcceptanceService } from "./acceptances";
import type { AcceptanceDto } from "./acceptance-rules";
import { mitigationDto, type MitigationDto } from "./mitigations";
import { withOwner } from "./owners";
import { riskDto, riskInclude, type RiskDto } from "./risks";
import { addDays, type Clock } from "./time";

/** How far ahead "due" looks, in days. */
export const DUE_WITHIN_DAYS = 7;
const LIMIT = 100;

export interface MyWork {
  /** Open risks owned by the user, highest score first. */
  risks: RiskDto[];
  /** The user's mitigations not completed and due within DUE_WITHIN_DAYS (or overdue), soonest first. */
  mitigations: MitigationDto[];
  /** The user's open risks whose next review is within DUE_WITHIN_DAYS (or past), soonest first. */
  reviews: RiskDto[];
  /** Admins: pending acceptance requests someone else made; analysts: always empty. */
  acceptances: AcceptanceDto[];
  due_within_days: number;
}

/** One user's work list, as of the clock's now. */
export function createMyWork(deps: { db: Db; clock: Clock; acceptances: AcceptanceService }) {
  const { db, clock } = deps;
  return async (user: { userId: number; role: "admin" | "analyst" }): Promise<MyWork> => {
    const now = clock.now();
    const horizon = addDays(now, DUE_WITHIN_DAYS);
    const mine = { ownerId: user.userId, status: "open" };
    const [risks, mitigations, reviews, acceptances] = await Promise.all([
      db.risk.findMany({ where: mine, include: riskInclude, orderBy: [{ score: "desc" }, { id: "asc" }], take: LIMIT }),
      db.mitigation.findMany({
        where: { ownerId: user.userId, status: { not: "completed" }, dueDate: { lte: horizon } },
        include: withOwner,
        orderBy: [{ dueDate: "asc" }, { id: "asc" }],
        take: LIMIT,
      }),
      db.risk.findMany({
        where: { ...mine, nextReviewAt: { lte: horizon } },
        include: riskInclude,
        orderBy: [{ nextReviewAt: "asc" }, { id: "asc" }],
        take: LIMIT,
      }),
      user.role === "admin" ? deps.acceptances.waitingFor(user.userId) : Promise.resolve([]),
    ]);
    return {
      risks: risks.map(riskDto),
      mitigations: mitigations.map((m) => mitigationDto(m, now)),
      reviews: reviews.map(riskDto),
      acceptances,
      due_within_days: DUE_WITHIN_DAYS,
    };
  };
}
