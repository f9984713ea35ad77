// API tokens (admins only). The secret is in the POST answer and nowhere else, ever.
import { tokenCreateSchema } from "@/lib/auth/api-tokens";
import { body, created, route } from "@/lib/http/route";

export const GET = route({ role: "admin" }, async ({ app }) => ({ items: await app.tokens.list() }));
export const POST = route({ role: "admin" }, async ({ req, app, principal, actor }) => {
  const input = await body(req, tokenCreateSchema);
  return created(await app.tokens.create(input.user_id ?? principal.userId, input.name, actor));
});
