// Users (admins only): list with filters and paging; create with a password.
import { userCreateSchema, userListSchema } from "@/lib/domain/users";
import { body, created, query, route } from "@/lib/http/route";

export const GET = route({ role: "admin" }, async ({ req, app }) => app.users.list(query(req, userListSchema)));
export const POST = route({ role: "admin" }, async ({ req, app, actor }) =>
  created(await app.users.create(await body(req, userCreateSchema), actor)),
);
