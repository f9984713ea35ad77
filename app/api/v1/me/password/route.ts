// Everyone's own password: the current one is required. Every other session of the user ends;
// the one making the change stays signed in.
import { passwordChangeSchema } from "@/lib/domain/users";
import { body, route } from "@/lib/http/route";

export const POST = route({}, async ({ req, app, principal }) => {
  const input = await body(req, passwordChangeSchema);
  await app.users.changeOwnPassword(principal.userId, input.current_password, input.new_password, principal.sessionId);
});
