import { requirePrincipal } from "@/lib/http/page-auth";
import { getContext } from "@/lib/context";
import { userListSchema } from "@/lib/domain/users";
import { NewUserForm, UserTable } from "@/components/users/user-manager";
import { FilterForm, FilterSelect, IgnoredFilters, listQuery } from "@/components/shell/filters";
import { Pager } from "@/components/shell/pager";

export const dynamic = "force-dynamic";

export default async function UsersPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  const me = await requirePrincipal("/admin/users", "admin");
  const { raw, q, ok } = await listQuery(userListSchema, searchParams, { defaults: { page_size: "50" } });
  const page = await getContext().users.list(q);
  return (
    <>
      <h1>Users</h1>
      <p className="muted">
        Disabling, demoting or deleting someone takes effect at once: their open pages go offline or lose admin views, and their API tokens
        stop working. The last active admin cannot be removed.
      </p>
      <div className="grid">
        <section className="panel">
          <h2>New user</h2>
          <NewUserForm />
        </section>
        <section className="panel">
          <h2>People</h2>
          <IgnoredFilters ok={ok} />
          <FilterForm label="Filter users">
            <label>
              Name or e-mail
              <input name="q" defaultValue={q.q} />
            </label>
            <FilterSelect name="role" label="Role" value={q.role} options={["admin", "analyst"]} />
            <FilterSelect
              name="disabled"
              label="Status"
              value={q.disabled}
              options={[
                ["false", "active"],
                ["true", "disabled"],
              ]}
            />
          </FilterForm>
          <UserTable users={page.items} selfId={me.userId} />
          <Pager path="/admin/users" params={raw} page={page} testId="user-total" noun="users" />
        </section>
      </div>
    </>
  );
}
