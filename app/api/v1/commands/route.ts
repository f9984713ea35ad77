// Records that a user ran a command: 200 {allowed, remaining, throttle_factor}, or 429 with the
// same body plus the violation when a quota refuses it. Admins may name another user.
import { NotFoundError } from "@/lib/domain/errors";
import { commandSchema } from "@/lib/domain/quota/schemas";
import { HttpError, json } from "@/lib/http/errors";
import { body, route } from "@/lib/http/route";
import { QUOTAS } from "@/lib/http/contracts";

export const POST = route(QUOTAS.command, async ({ req, app, principal }) => {
  const input = await body(req, commandSchema);
  let user = { id: principal.userId, name: principal.name };
  if (input.user_id !== undefined && input.user_id !== principal.userId) {
    if (principal.role !== "admin")
      throw new HttpError(403, "forbidden: only admins may record commands for another user", undefined, undefined, "forbidden");
    const named = await app.directory.user(input.user_id);
    if (!named) throw new NotFoundError("user", input.user_id);
    user = { id: named.id, name: named.name };
  }
  const result = await app.quotas.commands.execute(user, input.command_type);
  return json(result, result.allowed ? 200 : 429);
});
