// One user (admins only): read; change name, e-mail, role, disabled, password; delete. Changes
// that narrow access take effect at once on open connections; the last active admin stays (409).
import { userUpdateSchema } from "@/lib/domain/users";
import { body, idParam, route } from "@/lib/http/route";

type P = { id: string };
export const GET = route<P>({ role: "admin" }, async ({ app, params }) => app.users.get(idParam(params.id, "user")));
export const PATCH = route<P>({ role: "admin" }, async ({ req, app, params, actor }) =>
  app.users.update(idParam(params.id, "user"), await body(req, userUpdateSchema), actor),
);
export const DELETE = route<P>({ role: "admin" }, async ({ app, params, actor }) => app.users.remove(idParam(params.id, "user"), actor));
