// Records that a user ran a command: 200 {allowed, remaining, throttle_factor}, or 429 with the
// same body plus the violation when a quota refuses it. Admins may name another user. The socket's
// `record_command` runs the same function (lib/http/record-command.ts).
import { commandSchema } from "@/lib/domain/quota/schemas";
import { json } from "@/lib/http/errors";
import { recordCommand } from "@/lib/http/record-command";
import { body, route } from "@/lib/http/route";
import { QUOTAS } from "@/lib/http/contracts";

export const POST = route(QUOTAS.command, async ({ req, app, principal }) => {
  const r = await recordCommand(app, principal, await body(req, commandSchema));
  return json(r.body, r.status);
});
