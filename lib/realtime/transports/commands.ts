// Client commands, whatever the transport: `refresh` (limited per user across all their
// connections: REFRESH_RATE_LIMIT per REFRESH_RATE_WINDOW_MS), `ping` and `subscribe` (the
// dashboard sections wanted from now on). Each returns the message to send back.
import type { Principal } from "../../auth/principal";
import type { Config } from "../../config";
import type { Channel, Logged } from "../channel";
import { errorData } from "../../contract/codes";
import type { RealtimeHub } from "../hub";
import type { ChannelName, DashboardUpdate } from "../../contract/protocol";
import { parseSections, type Section } from "../../contract/sections";
import type { Code } from "../../contract/codes";
import { RiskView } from "../dashboard/risk-view";
import { SectionView } from "../dashboard/sections";
import type { LiveSession, SessionView } from "../transport-core";

export type Refreshed =
  { ok: true; message: Logged; update: DashboardUpdate } | { ok: false; message: Logged; error: string; retryAfterMs: number };

/**
 * The `refresh` command, on any transport and over REST: within the user's rate limit, re-reads
 * the dashboard now and returns the update for the asker (every client gets what changed as a
 * patch); past it, a `rate_limited` error with the wait.
 */
export async function refreshCommand(
  hub: RealtimeHub,
  principal: Principal,
  config: Pick<Config, "REFRESH_RATE_LIMIT" | "REFRESH_RATE_WINDOW_MS">,
): Promise<Refreshed> {
  const channel = hub.channels.dashboard;
  if (!hub.refreshLimit.take(principal.userId)) {
    const wait = hub.refreshLimit.retryAfter(principal.userId);
    const error = `refresh rate limit: at most ${config.REFRESH_RATE_LIMIT} per ${config.REFRESH_RATE_WINDOW_MS / 1000}s; retry in ${Math.ceil(wait / 1000)}s`;
    return {
      ok: false,
      message: channel.error(errorData("rate_limited", error, { retry_after_ms: wait })),
      error,
      retryAfterMs: wait,
    };
  }
  hub.feed.markDirty(null); // re-read the database now; every client gets what changed
  const update = await hub.feed.current();
  return { ok: true, message: channel.direct("dashboard_update", update) as Logged, update };
}

/** The `ping` command's answer: a `pong` on the channel, for this client only. */
export function pingCommand(hub: RealtimeHub, name: ChannelName): Logged {
  return (hub.channels[name] as Channel).direct("pong", {});
}

/** Logs an unknown command at most once a minute per connection, and counts every one. */
export function unknownCommandReporter(hub: RealtimeHub, log: { warn: (o: object, msg: string) => void }, who: () => object) {
  let lastLogged = 0;
  return (command: string) => {
    hub.counters.unknownCommands++;
    const now = Date.now();
    if (now - lastLogged < 60_000) return;
    lastLogged = now;
    log.warn(
      { command: command.slice(0, 64), ...who() },
      "unknown real-time command (further ones from this connection are not logged for a minute)",
    );
  };
}

/**
 * The view a connection's requested sections ask for (Socket.IO `auth.sections`, `?sections=`),
 * validated: null for everything (none asked, or the quotas channel has no sections to ask for).
 */
export function viewOf(
  hub: RealtimeHub,
  channel: ChannelName,
  input: unknown,
): { ok: true; view: SectionView | null } | { ok: false; error: string } {
  if (input === undefined || input === null) return { ok: true, view: null };
  if (channel !== "dashboard") return { ok: false, error: "sections: only the dashboard channel has sections" };
  const parsed = parseSections(input);
  return parsed.ok ? { ok: true, view: hub.sections.view(parsed.sections) } : { ok: false, error: parsed.error };
}

/** The sections and the risk a view stands for (null: every section; no risk). */
function partsOf(view: SessionView | null): { sections: readonly Section[] | null; risk: number | null } {
  if (view instanceof RiskView) return { sections: view.inner instanceof SectionView ? view.inner.sections : null, risk: view.risk };
  return { sections: view instanceof SectionView ? view.sections : null, risk: null };
}

/** A risk id as a client sends it: a positive INT4, or its digits (`?risk=7`). */
function riskIdOf(input: unknown): number | null {
  const n = typeof input === "string" && /^\d{1,10}$/.test(input) ? Number(input) : input;
  return typeof n === "number" && Number.isInteger(n) && n >= 1 && n <= 2_147_483_647 ? n : null;
}

export type RiskRefusal = { ok: false; code: Extract<Code, "bad_request" | "unknown_risk">; error: string };

/**
 * A risk subscription's id checked (Socket.IO `auth.risk`, `?risk=`, `subscribe_risk`): the
 * channel must be the dashboard's and the risk must be one the user may read — GET
 * /api/v1/risks/:id's rule: any signed-in user, a risk that exists. Undefined/null: no risk.
 */
export async function riskOf(
  hub: RealtimeHub,
  channel: ChannelName,
  input: unknown,
): Promise<{ ok: true; risk: number | null } | RiskRefusal> {
  if (input === undefined || input === null) return { ok: true, risk: null };
  if (channel !== "dashboard") return { ok: false, code: "bad_request", error: "risk: only the dashboard channel follows risks" };
  const id = riskIdOf(input);
  if (id === null) return { ok: false, code: "bad_request", error: "risk: expected a risk id (a positive integer)" };
  if (!(await hub.riskExists(id))) return { ok: false, code: "unknown_risk", error: `risk ${id} does not exist` };
  return { ok: true, risk: id };
}

/**
 * `subscribe` `{sections}`: from now on the connection sees only those sections (`[]`: all);
 * answered with a snapshot of them, or a `bad_request` error (an unknown section). A risk the
 * connection follows stays followed.
 */
export async function subscribeCommand(hub: RealtimeHub, session: LiveSession, arg: unknown): Promise<Logged> {
  const sections = arg && typeof arg === "object" && !Array.isArray(arg) ? (arg as { sections?: unknown }).sections : undefined;
  if (!Array.isArray(sections)) return hub.core.errorFor(session, "bad_request", 'subscribe: expected {"sections":[…]}');
  const v = viewOf(hub, session.channel, sections);
  if (!v.ok) return hub.core.errorFor(session, "bad_request", v.error);
  const risk = partsOf(session.view).risk;
  const snapshot = await hub.core.changeView(session, hub.sections.viewWithRisk(partsOf(v.view).sections, risk));
  return snapshot ?? hub.core.errorFor(session, "unavailable");
}

/**
 * `subscribe_risk` `{id}`: from now on the connection also gets that risk's messages (one risk
 * at a time: it replaces the one followed before); `unsubscribe_risk` (`id` undefined): no
 * risk's. Answered with a snapshot of its sections, or `bad_request` / `unknown_risk`.
 */
export async function subscribeRiskCommand(hub: RealtimeHub, session: LiveSession, arg: unknown, unsubscribe = false): Promise<Logged> {
  let risk: number | null = null;
  if (!unsubscribe) {
    const id = arg && typeof arg === "object" && !Array.isArray(arg) ? (arg as { id?: unknown }).id : undefined;
    if (id === undefined) return hub.core.errorFor(session, "bad_request", 'subscribe_risk: expected {"id":<risk id>}');
    const r = await riskOf(hub, session.channel, id);
    if (!r.ok) return hub.core.errorFor(session, r.code, r.error);
    risk = r.risk;
  }
  const snapshot = await hub.core.changeView(session, hub.sections.viewWithRisk(partsOf(session.view).sections, risk));
  return snapshot ?? hub.core.errorFor(session, "unavailable");
}
