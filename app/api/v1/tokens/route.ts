// API tokens. Everyone signed in lists and creates their own (a token acts as the user who
// creates it, so a script with an identity of its own gets a user of its own); admins see
// every token. Creating one needs a signed-in session: a token cannot mint further tokens.
// The secret is in the POST answer and nowhere else, ever.
import { tokenCreateSchema } from "@/lib/auth/api-tokens";
import { errorJson } from "@/lib/http/errors";
import { body, created, route } from "@/lib/http/route";
import { TOKENS } from "@/lib/http/contracts";

export const GET = route(TOKENS.list, async ({ app, principal }) => ({
  items: await app.tokens.list(principal.role === "admin" ? {} : { userId: principal.userId }),
}));
export const POST = route(TOKENS.create, async ({ req, app, principal, actor }) => {
  if (principal.via !== "session")
    return errorJson(403, "API tokens are created from a signed-in session, not with another token", { code: "session_required" });
  const input = await body(req, tokenCreateSchema);
  return created(await app.tokens.create(principal.userId, input, actor));
});
