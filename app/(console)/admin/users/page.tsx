import Link from "next/link";
import { requirePrincipal } from "@/lib/auth/page";
import { filledParams } from "@/lib/http/search-params";
import { getContext } from "@/lib/context";
import { userListSchema } from "@/lib/domain/users";
import { NewUserForm, UserTable } from "@/components/users/user-manager";

export const dynamic = "force-dynamic";

export default async function UsersPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  const me = await requirePrincipal("/admin/users", "admin");
  const raw = filledParams(await searchParams);
  const parsed = userListSchema.safeParse({ page_size: "50", ...raw });
  const q = parsed.success ? parsed.data : userListSchema.parse({ page_size: "50" });
  const page = await getContext().users.list(q);
  const link = (p: number) => `/admin/users?${new URLSearchParams({ ...raw, page: String(p) })}`;
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
          {!parsed.success && <div className="notice">Some filters were not understood and were ignored.</div>}
          <form className="toolbar" method="get" role="search">
            <label>
              Name or e-mail
              <input name="q" defaultValue={q.q} />
            </label>
            <label>
              Role
              <select name="role" defaultValue={q.role ?? ""}>
                <option value="">any</option>
                <option>admin</option>
                <option>analyst</option>
              </select>
            </label>
            <label>
              Status
              <select name="disabled" defaultValue={q.disabled === undefined ? "" : String(q.disabled)}>
                <option value="">any</option>
                <option value="false">active</option>
                <option value="true">disabled</option>
              </select>
            </label>
            <button type="submit" className="secondary">
              Apply
            </button>
          </form>
          <UserTable users={page.items} selfId={me.userId} />
          <div className="pager">
            <span data-testid="user-total">
              {page.total} users · page {page.page} of {Math.max(page.pages, 1)}
            </span>
            {page.page > 1 && <Link href={link(page.page - 1)}>← Previous</Link>}
            {page.page < page.pages && <Link href={link(page.page + 1)}>Next →</Link>}
          </div>
        </section>
      </div>
    </>
  );
}
