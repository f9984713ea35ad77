// Users (admins only): list with filters and paging; create with a password.
import { userCreateSchema, userListSchema } from "@/lib/domain/users";
import { body, created, query, route } from "@/lib/http/route";
import { USERS } from "@/lib/http/contracts";

export const GET = route(USERS.list, async ({ req, app }) => app.users.list(query(req, userListSchema)));
export const POST = route(USERS.create, async ({ req, app, actor }) =>
  created(await app.users.create(await body(req, userCreateSchema), actor)),
);
