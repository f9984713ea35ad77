// Risk acceptance, four-eyes (README "Risk acceptance"): an analyst asks for a risk to be
// accepted until a date; an admin other than the requester approves or rejects it; it may be
// revoked; past its expiry the leader's tick marks it expired. Whenever a risk is left without a
// pending or approved acceptance while its treatment is `accept`, the decision is reopened
// (treatment back to null, "undecided"). Every step is audited in its transaction, under the
// risk-writes lock, and published after commit (the dashboard's pending count, webhooks).
import "server-only";
import type { Db, Tx } from "../db/client";
import type { Risk } from "../db/generated/sqlite/client";
import { lockedTransaction, LOCKS } from "../db/locks";
import type { DbFlavor } from "../db/url";
import {
  acceptanceDto,
  acceptanceInclude,
  findOpen,
  OPEN_STATUSES,
  openAcceptance,
  settleAcceptance,
  type AcceptanceDecision,
  type AcceptanceDto,
  type AcceptanceList,
  type AcceptanceRequest,
} from "./acceptance-rules";
import { audit, SYSTEM, type Actor } from "./audit";
import { nextDashboardSeq } from "./dashboard/sequence";
import { DomainError, NotFoundError, ValidationError } from "./errors";
import type { DomainEvent, EventPublisher } from "./events";
import { pageArgs, toPage } from "./pagination";
import { riskFact } from "./risks";
import type { Clock } from "./time";

/** The acting user as the acceptance rules need them: who (for the audit and four-eyes) and their role. */
export interface Decider {
  actor: Actor;
  role: "admin" | "analyst";
}

/** 403 `four_eyes`: the requester of an acceptance may not decide it. */
export class FourEyesError extends DomainError {
  constructor(id: number) {
    super(`acceptance ${id} was requested by you: another admin must decide it`, 403, undefined, "four_eyes");
  }
}
const closed = (a: AcceptanceDto, wanted: string) =>
  new DomainError(`acceptance ${a.id} is ${a.status}: only a ${wanted} one can be`, 409, { acceptance: a }, "acceptance_closed");
const future = (d: Date, now: Date) => {
  if (d.getTime() <= now.getTime())
    throw new ValidationError("validation failed", [{ field: "expires_at", message: "must be in the future" }]);
};

type RiskWrite = { before: Risk; after: Risk; seq: number };

/**
 * Acceptance requests and their decisions. `request` also sets the risk's treatment to `accept`;
 * `reject`, `revoke` and `expireDue` reopen it when no open acceptance is left.
 */
export function createAcceptanceService(deps: { db: Db; events: EventPublisher; clock: Clock; flavor: DbFlavor }) {
  const { db, events, clock, flavor } = deps;
  const write = <T>(fn: (tx: Tx) => Promise<T>) => lockedTransaction(db, flavor, LOCKS.riskWrites, fn);

  /** Sets the risk's treatment, bumping its version, audited; null when it already had it. */
  async function setTreatment(tx: Tx, riskId: number, treatment: "accept" | null, actor: Actor, now: Date): Promise<RiskWrite | null> {
    const before = await tx.risk.findUnique({ where: { id: riskId } });
    if (!before || before.treatment === treatment) return null;
    const after = await tx.risk.update({ where: { id: riskId }, data: { treatment, version: { increment: 1 } } });
    await audit(tx, {
      actor,
      action: "updated",
      entity: "risk",
      entityId: riskId,
      changes: { treatment: [before.treatment, treatment] },
      at: now,
    });
    return { before, after, seq: await nextDashboardSeq(tx) };
  }
  /**
   * A decision that leaves the risk's fields alone still moves its version: the risk page (live
   * on the risk's messages, never polling) re-reads its acceptances when the version moves, and
   * an edit begun before the decision is refused as a conflict rather than made blind to it.
   */
  async function touch(tx: Tx, riskId: number): Promise<RiskWrite | null> {
    const before = await tx.risk.findUnique({ where: { id: riskId } });
    if (!before) return null;
    const after = await tx.risk.update({ where: { id: riskId }, data: { version: { increment: 1 } } });
    return { before, after, seq: await nextDashboardSeq(tx) };
  }
  /** The decision reopens when the risk is still `accept` and nothing open holds it there. */
  async function reopen(tx: Tx, riskId: number, actor: Actor, now: Date): Promise<RiskWrite | null> {
    if (await findOpen(tx, riskId)) return null;
    const r = await tx.risk.findUnique({ where: { id: riskId }, select: { treatment: true } });
    return r?.treatment === "accept" ? setTreatment(tx, riskId, null, actor, now) : null;
  }
  function publish(acceptances: Extract<DomainEvent, { type: "acceptance.changed" }>[], risk: RiskWrite | null) {
    if (risk)
      events.publish({
        type: "risk.changed",
        seq: risk.seq,
        change: "updated",
        riskId: risk.after.id,
        before: riskFact(risk.before),
        after: riskFact(risk.after),
      });
    for (const e of acceptances) events.publish(e);
  }
  const changed = (change: "requested" | "approved" | "rejected" | "revoked" | "expired", acceptance: AcceptanceDto) =>
    ({ type: "acceptance.changed", change, acceptance }) as const;

  async function load(tx: Tx, id: number) {
    const a = await tx.riskAcceptance.findUnique({ where: { id }, include: acceptanceInclude });
    if (!a) throw new NotFoundError("acceptance", id);
    return a;
  }

  /** Pending or approved → `status`, by an admin other than the requester (approve, reject). */
  async function decide(id: number, status: "approved" | "rejected", input: AcceptanceDecision, who: Decider) {
    const now = clock.now();
    const { acceptance, superseded, risk } = await write(async (tx) => {
      const cur = await load(tx, id);
      if (cur.requestedById !== null && cur.requestedById === who.actor.id) throw new FourEyesError(id);
      if (cur.status !== "pending") throw closed(acceptanceDto(cur), "pending");
      const expiresAt = status === "approved" ? (input.expires_at ?? cur.expiresAt) : undefined;
      if (expiresAt) future(expiresAt, now);
      // A renewal approved: the acceptance it replaces ends.
      const older =
        status === "approved"
          ? await tx.riskAcceptance.findMany({ where: { riskId: cur.riskId, status: "approved", id: { not: id } } })
          : [];
      const superseded: AcceptanceDto[] = [];
      for (const o of older)
        superseded.push(await settleAcceptance(tx, o, { status: "revoked", note: `superseded by acceptance ${id}` }, who.actor, now));
      const acceptance = await settleAcceptance(tx, cur, { status, note: input.note, expiresAt }, who.actor, now);
      const risk =
        status === "rejected"
          ? ((await reopen(tx, cur.riskId, who.actor, now)) ?? (await touch(tx, cur.riskId)))
          : await touch(tx, cur.riskId);
      return { acceptance, superseded, risk };
    });
    publish([...superseded.map((a) => changed("revoked", a)), changed(status, acceptance)], risk);
    return acceptance;
  }

  return {
    /** A pending request for the risk (409 `acceptance_pending` while one is pending); sets its treatment to `accept`. */
    async request(riskId: number, input: AcceptanceRequest, actor: Actor): Promise<AcceptanceDto> {
      const now = clock.now();
      future(input.expires_at, now);
      const { acceptance, risk } = await write(async (tx) => {
        if (!(await tx.risk.findUnique({ where: { id: riskId }, select: { id: true } }))) throw new NotFoundError("risk", riskId);
        const pending = await tx.riskAcceptance.findFirst({ where: { riskId, status: "pending" }, include: acceptanceInclude });
        if (pending)
          throw new DomainError(
            `risk ${riskId} already has a pending acceptance request (${pending.id})`,
            409,
            { acceptance: acceptanceDto(pending) },
            "acceptance_pending",
          );
        const acceptance = await openAcceptance(
          tx,
          { riskId, justification: input.justification, expiresAt: input.expires_at },
          actor,
          now,
        );
        await events.stage?.(tx, changed("requested", acceptance)); // acceptance.requested commits with it
        return { acceptance, risk: await setTreatment(tx, riskId, "accept", actor, now) };
      });
      publish([changed("requested", acceptance)], risk);
      return acceptance;
    },

    /** Approves a pending request (admins; not the requester: 403 `four_eyes`); `expires_at` may replace the requested date. */
    approve: (id: number, input: AcceptanceDecision, who: Decider) => decide(id, "approved", input, who),
    /** Rejects a pending request (admins; not the requester); the risk's treatment is reopened. */
    reject: (id: number, input: AcceptanceDecision, who: Decider) => decide(id, "rejected", input, who),

    /** Ends a pending or approved acceptance: admins any, the requester their own pending one; the treatment is reopened. */
    async revoke(id: number, input: { note?: string }, who: Decider): Promise<AcceptanceDto> {
      const now = clock.now();
      const { acceptance, risk } = await write(async (tx) => {
        const cur = await load(tx, id);
        const own = cur.requestedById !== null && cur.requestedById === who.actor.id && cur.status === "pending";
        if (who.role !== "admin" && !own)
          throw new DomainError(
            "only an admin, or the requester of a pending request, may revoke an acceptance",
            403,
            undefined,
            "forbidden",
          );
        if (!(OPEN_STATUSES as string[]).includes(cur.status)) throw closed(acceptanceDto(cur), "pending or approved");
        const acceptance = await settleAcceptance(tx, cur, { status: "revoked", note: input.note }, who.actor, now);
        return { acceptance, risk: await reopen(tx, cur.riskId, who.actor, now) };
      });
      publish([changed("revoked", acceptance)], risk);
      return acceptance;
    },

    /**
     * Pending and approved acceptances past their `expires_at` become `expired` and their risks'
     * decisions reopen (by "system"). Run by the leader's stats tick, once per cluster; returns how many.
     */
    async expireDue(): Promise<number> {
      const now = clock.now();
      const due = await db.riskAcceptance.findMany({
        where: { status: { in: OPEN_STATUSES }, expiresAt: { lte: now } },
        select: { id: true },
        orderBy: { id: "asc" },
        take: 100,
      });
      let n = 0;
      for (const { id } of due) {
        const out = await write(async (tx) => {
          const cur = await tx.riskAcceptance.findUnique({ where: { id } });
          // Decided or expired meanwhile (another request, another instance's last tick).
          if (!cur || !(OPEN_STATUSES as string[]).includes(cur.status) || cur.expiresAt > now) return null;
          const acceptance = await settleAcceptance(tx, cur, { status: "expired" }, SYSTEM, now);
          return { acceptance, risk: await reopen(tx, cur.riskId, SYSTEM, now) };
        });
        if (!out) continue;
        n++;
        publish([changed("expired", out.acceptance)], out.risk);
      }
      return n;
    },

    /** Acceptances, newest first (filters `status`, `risk_id`; paged). */
    async list(q: AcceptanceList) {
      const where = { status: q.status, riskId: q.risk_id };
      const [rows, total] = await Promise.all([
        db.riskAcceptance.findMany({ where, include: acceptanceInclude, orderBy: { id: "desc" }, ...pageArgs(q) }),
        db.riskAcceptance.count({ where }),
      ]);
      return toPage(rows.map(acceptanceDto), total, q);
    },

    /** One risk's acceptances, newest first (at most 50): the risk page's history. */
    async forRisk(riskId: number): Promise<{ items: AcceptanceDto[] }> {
      if (!(await db.risk.findUnique({ where: { id: riskId }, select: { id: true } }))) throw new NotFoundError("risk", riskId);
      const rows = await db.riskAcceptance.findMany({ where: { riskId }, include: acceptanceInclude, orderBy: { id: "desc" }, take: 50 });
      return { items: rows.map(acceptanceDto) };
    },

    /** Pending requests an admin may decide: every one not requested by them (oldest first, at most 100). */
    async waitingFor(userId: number): Promise<AcceptanceDto[]> {
      const rows = await db.riskAcceptance.findMany({
        where: { status: "pending", OR: [{ requestedById: null }, { requestedById: { not: userId } }] },
        include: acceptanceInclude,
        orderBy: { id: "asc" },
        take: 100,
      });
      return rows.map(acceptanceDto);
    },
  };
}
export type AcceptanceService = ReturnType<typeof createAcceptanceService>;
