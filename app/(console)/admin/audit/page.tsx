import { requirePrincipal } from "@/lib/http/page-auth";
import { getContext } from "@/lib/context";
import { AUDIT_ENTITIES, auditListSchema } from "@/lib/domain/audit";
import { dayRange } from "@/lib/http/search-params";
import { FilterForm, FilterSelect, IgnoredFilters, listQuery } from "@/components/shell/filters";
import { Pager, UtcTime } from "@/components/shell/pager";
import { Changes } from "@/components/audit/changes";
import { UserSelect } from "@/components/history/history-tabs";

export const dynamic = "force-dynamic";

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  await requirePrincipal("/admin/audit", "admin");
  const { raw, q, ok } = await listQuery(auditListSchema, searchParams, {
    defaults: { page_size: "50" },
    prepare: (r) => dayRange(r, "from", "to"),
  });
  const ctx = getContext();
  const [page, people] = await Promise.all([ctx.audit.list(q), ctx.users.list({ page: 1, page_size: 200 })]);
  return (
    <>
      <h1>Audit log</h1>
      <p className="muted">
        Every change to risks, mitigations, quotas, users, API tokens and alert acknowledgements: who, when, and what changed. Kept for the
        retention period ({ctx.config.RETENTION_DAYS} days).
      </p>
      <IgnoredFilters ok={ok} />
      <FilterForm label="Filter the audit log">
        <UserSelect users={people.items} value={raw.actor_id} name="actor_id" label="Who" />
        <FilterSelect name="entity" label="What" value={q.entity} any="anything" options={AUDIT_ENTITIES} />
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
      </FilterForm>
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
