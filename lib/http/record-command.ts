// Recording that a user ran a command — the quota check every command of every user goes
// through — for POST /api/v1/commands and the socket's `record_command` alike: one function, so
// both answer the same. Admins may name another user.
import "server-only";
import type { z } from "zod";
import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { NotFoundError } from "../domain/errors";
import type { CommandResult } from "../domain/quota/commands";
import type { commandSchema } from "../domain/quota/schemas";
import { HttpError } from "./errors";

/**
 * Records `input.command_type` for the principal (or, for admins, `input.user_id`): 200
 * `{allowed, remaining, throttle_factor}`, or 429 with the same body plus the violation when a
 * quota refuses it. Throws HttpError 403 (not an admin naming another user) or NotFoundError.
 */
export async function recordCommand(
  app: Pick<AppContext, "directory" | "quotas">,
  principal: Principal,
  input: z.infer<typeof commandSchema>,
): Promise<{ status: 200 | 429; body: CommandResult }> {
  let user = { id: principal.userId, name: principal.name };
  if (input.user_id !== undefined && input.user_id !== principal.userId) {
    if (principal.role !== "admin")
      throw new HttpError(403, "forbidden: only admins may record commands for another user", undefined, undefined, "forbidden");
    const named = await app.directory.user(input.user_id);
    if (!named) throw new NotFoundError("user", input.user_id);
    user = { id: named.id, name: named.name };
  }
  const result = await app.quotas.commands.execute(user, input.command_type);
  return { status: result.allowed ? 200 : 429, body: result };
}
