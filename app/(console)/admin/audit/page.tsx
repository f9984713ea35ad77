import { requirePrincipal } from "@/lib/auth/page";
import { getContext } from "@/lib/context";
import { AUDIT_ENTITIES, auditListSchema } from "@/lib/domain/audit";
import { dayRange, filledParams } from "@/lib/http/search-params";
import { Pager, UtcTime } from "@/components/shell/pager";
import { Changes } from "@/components/audit/changes";

export const dynamic = "force-dynamic";

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  await requirePrincipal("/admin/audit", "admin");
  const raw = filledParams(await searchParams);
  const parsed = auditListSchema.safeParse({ page_size: "50", ...dayRange(raw, "from", "to") });
  const q = parsed.success ? parsed.data : auditListSchema.parse({ page_size: "50" });
  const ctx = getContext();
  const [page, people] = await Promise.all([ctx.audit.list(q), ctx.users.list({ page: 1, page_size: 200 })]);
  return (
    <>
      <h1>Audit log</h1>
      <p className="muted">
        Every change to risks, mitigations, quotas, users, API tokens and alert acknowledgements: who, when, and what changed. Kept for the
        retention period ({ctx.config.RETENTION_DAYS} days).
      </p>
      {!parsed.success && <div className="notice">Some filters were not understood and were ignored.</div>}
      <form className="toolbar" method="get" role="search">
        <label>
          Who
          <select name="actor_id" defaultValue={raw.actor_id ?? ""}>
            <option value="">anyone</option>
            {people.items.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name} ({u.email})
              </option>
            ))}
          </select>
        </label>
        <label>
          What
          <select name="entity" defaultValue={q.entity ?? ""}>
            <option value="">anything</option>
            {AUDIT_ENTITIES.map((e) => (
              <option key={e}>{e}</option>
            ))}
          </select>
        </label>
        <label>
          Id
          <input name="entity_id" defaultValue={q.entity_id} size={6} />
        </label>
        <label>
          From (UTC)
          <input type="date" name="from" defaultValue={raw.from} />
        </label>
        <label>
          To (UTC)
          <input type="date" name="to" defaultValue={raw.to} />
        </label>
        <button type="submit" className="secondary">
          Apply
        </button>
      </form>
      <section className="panel">
        {page.items.length === 0 ? (
          <div className="empty">No changes recorded{Object.keys(raw).length ? " for these filters" : " yet"}.</div>
        ) : (
          <table data-testid="audit-list">
            <thead>
              <tr>
                <th>When</th>
                <th>Who</th>
                <th>Action</th>
                <th>What</th>
                <th>Changes</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((a) => (
                <tr key={a.id}>
                  <td>
                    <UtcTime iso={a.at} />
                  </td>
                  <td>{a.actor}</td>
                  <td>{a.action.replace("_", " ")}</td>
                  <td>
                    {a.entity} #{a.entity_id}
                  </td>
                  <td>
                    <Changes changes={a.changes} action={a.action} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <Pager path="/admin/audit" params={raw} page={page} testId="audit-total" noun="entries" />
      </section>
    </>
  );
}
