// One user (admins only): read; change name, e-mail, role, disabled, password; delete. Changes
// that narrow access take effect at once on open connections; the last active admin stays (409).
// A new password, e-mail or role — for anyone, yourself included — needs `current_password`
// (the acting admin's) in the body, from a signed-in session; API tokens get 403.
import { userPatchSchema } from "@/lib/domain/users";
import { body, idParam, route } from "@/lib/http/route";
import { USERS } from "@/lib/http/contracts";

type P = { id: string };
export const GET = route<P>(USERS.get, async ({ app, params }) => app.users.get(idParam(params.id, "user")));
export const PATCH = route<P>(USERS.update, async ({ req, app, params, actor, principal }) => {
  const { current_password, ...patch } = await body(req, userPatchSchema);
  return app.users.update(idParam(params.id, "user"), patch, actor, {
    userId: principal.userId,
    via: principal.via,
    currentPassword: current_password,
  });
});
export const DELETE = route<P>(USERS.remove, async ({ app, params, actor }) => app.users.remove(idParam(params.id, "user"), actor));
