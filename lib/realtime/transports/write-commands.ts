// Changes over the live connection (README "Real-time protocol", commands): `create_risk`,
// `update_risk`, `create_mitigation`, `update_mitigation` on the dashboard channel, over Socket.IO
// (acknowledged) and the plain WebSocket (a `command_result` with the request's `request_id`).
// Each runs exactly what its REST route runs — the connection's credential re-checked as every
// request's is, the route's zod schema, the domain service (its validation, audit entry and
// events: the change's patch reaches the sender like everyone else) — and answers with the REST
// answer's body or its error, with the same status, code, message and details (errorAnswer).
// A per-connection limit (SOCKET_COMMAND_RATE_LIMIT per SOCKET_COMMAND_RATE_WINDOW_MS) keeps one
// socket from writing faster than a client would over HTTP. `record_command` is POST
// /api/v1/commands (the quota check, lib/http/record-command.ts), limited by the quotas themselves.
// One connection's commands run one after another, in the order sent, as requests on one HTTP/1.1
// connection do: a burst on a few sockets then waits in memory instead of taking every database
// connection at once (200 at once on 10 sockets timed out waiting for the pool on PostgreSQL).
import "server-only";
import { z } from "zod";
import type { AppContext } from "../../context";
import { CODES } from "../../contract/codes";
import type { CommandResult, WriteCommandName } from "../../contract/protocol";
import { actorOf } from "../../domain/audit";
import { mitigationCreateSchema, mitigationUpdateSchema } from "../../domain/mitigations";
import { expectedVersion, riskCreateSchema, riskUpdateSchema } from "../../domain/risks";
import { errorAnswer, HttpError } from "../../http/errors";
import { recordCommand } from "../../http/record-command";
import { commandSchema } from "../../domain/quota/schemas";
import { SlidingWindows } from "../../rate-limit/sliding-windows";
import type { LiveSession } from "../transport-core";

/** The commands this module runs, on the dashboard channel's Socket.IO namespace and plain WebSocket. */
export const WRITE_COMMANDS = [
  "create_risk",
  "update_risk",
  "create_mitigation",
  "update_mitigation",
  "record_command",
] as const satisfies readonly WriteCommandName[];

/** Is `name` one of WRITE_COMMANDS (a plain WebSocket `action`)? */
export const isWriteCommand = (name: unknown): name is WriteCommandName =>
  typeof name === "string" && (WRITE_COMMANDS as readonly string[]).includes(name);

/** A path id, as REST's idParam takes it (a positive INT4; anything else names nothing). */
const id = z.number().int().min(1).max(2_147_483_647);
/** `{id, patch}`; the patch is parsed apart, so its details name the fields as REST's PATCH does. */
const updateArgs = z.strictObject({ id, patch: z.unknown() });
/** `update_risk` also takes REST's If-Match (`"3"`, `W/"3"`, `3`), used when the patch names no `version`. */
const updateRiskArgs = updateArgs.extend({ if_match: z.union([z.string().max(64), z.number().int()]).optional() });

/**
 * The write commands of one app, with one per-connection rate limiter for all its connections.
 *
 * @example
 * const writes = writeCommands(app);
 * await writes.run(session, "update_risk", { id: 7, patch: { likelihood: 0.4 } }); // { ok: true, risk: {…} }
 */
export function writeCommands(app: AppContext) {
  const limit = new SlidingWindows<LiveSession>(app.config.SOCKET_COMMAND_RATE_LIMIT, app.config.SOCKET_COMMAND_RATE_WINDOW_MS);
  /** The last command queued on each connection. */
  const queues = new WeakMap<LiveSession, Promise<unknown>>();

  async function execute(session: LiveSession, name: WriteCommandName, arg: unknown): Promise<CommandResult> {
    if (session.channel !== "dashboard") throw new HttpError(404, `unknown command: ${name}`, undefined, undefined, "unknown_command");
    if (name === "record_command") {
      // The quota check itself limits how often; the credential is the connection's, which the
      // registry re-checks (closed within a second of a revocation) — a round trip per check
      // would cost what the socket saves.
      const r = await recordCommand(app, session.connection.principal, commandSchema.parse(arg));
      return { ok: true, status: r.status, quota: r.body };
    }
    if (!limit.take(session)) {
      const wait = limit.retryAfter(session);
      throw new HttpError(429, `command rate limit: retry in ${Math.ceil(wait / 1000)}s`, undefined, undefined, "rate_limited");
    }
    // The credential is checked now, as every REST request checks it (revoked, expired, disabled …).
    const auth = await session.connection.recheck();
    if (!auth.ok) throw new HttpError(CODES[auth.code].status, CODES[auth.code].message, undefined, undefined, auth.code);
    const actor = actorOf(auth.principal);
    switch (name) {
      case "create_risk":
        return { ok: true, risk: await app.risks.create(riskCreateSchema.parse(arg), actor) };
      case "update_risk": {
        // REST PATCH's check: the patch's `version` or If-Match, else none (409 edit_conflict when the risk moved on).
        const a = updateRiskArgs.parse(arg);
        const patch = riskUpdateSchema.parse(a.patch);
        const ifMatch = a.if_match === undefined ? null : String(a.if_match);
        return { ok: true, risk: await app.risks.update(a.id, patch, actor, expectedVersion(patch.version, ifMatch)) };
      }
      case "create_mitigation":
        return { ok: true, mitigation: await app.mitigations.create(mitigationCreateSchema.parse(arg), actor) };
      case "update_mitigation": {
        const a = updateArgs.parse(arg);
        return { ok: true, mitigation: await app.mitigations.update(a.id, mitigationUpdateSchema.parse(a.patch), actor) };
      }
    }
  }

  return {
    /**
     * Runs `name` with `arg` as the connection's user: the REST route's result, or its error as
     * `{ok: false, status, error: {code, message, details?}}` — never a throw.
     */
    run(session: LiveSession, name: WriteCommandName, arg: unknown): Promise<CommandResult> {
      const answer = (queues.get(session) ?? Promise.resolve()).then(() => answered(session, name, arg));
      queues.set(session, answer);
      return answer;
    },
  };

  async function answered(session: LiveSession, name: WriteCommandName, arg: unknown): Promise<CommandResult> {
    try {
      return await execute(session, name, arg);
    } catch (err) {
      const a = errorAnswer(err, app.log, () => app.metrics.dbErrors.inc());
      const code = a.body.code ?? "internal"; // REST always names one
      return {
        ok: false,
        status: a.status,
        error: { code, message: a.body.error, ...(a.body.details !== undefined ? { details: a.body.details } : {}) },
      };
    }
  }
}
export type WriteCommands = ReturnType<typeof writeCommands>;
