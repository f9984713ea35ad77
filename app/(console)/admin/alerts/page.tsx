import { requirePrincipal } from "@/lib/http/page-auth";
import { getContext } from "@/lib/context";
import { alertListSchema } from "@/lib/domain/quota/schemas";
import { dayRange } from "@/lib/http/search-params";
import { FilterForm, FilterSelect, IgnoredFilters, listQuery } from "@/components/shell/filters";
import { AckButton } from "@/components/history/ack-button";
import { DateFilters, HistoryTabs, UserSelect } from "@/components/history/history-tabs";
import { Pager, UtcTime } from "@/components/shell/pager";

export const dynamic = "force-dynamic";

export default async function AlertsPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  await requirePrincipal("/admin/alerts", "admin");
  const { raw, q, ok } = await listQuery(alertListSchema, searchParams, {
    defaults: { page_size: "50" },
    prepare: (r) => dayRange(r, "since", "until"),
  });
  const ctx = getContext();
  const [page, people] = await Promise.all([ctx.quotas.alerts.list(q), ctx.users.list({ page: 1, page_size: 200 })]);
  return (
    <>
      <h1>History</h1>
      <HistoryTabs current="alerts" />
      <IgnoredFilters ok={ok} />
      <FilterForm label="Filter alerts">
        <UserSelect users={people.items} value={raw.user_id} />
        <FilterSelect name="severity" label="Severity" value={q.severity} options={["warning", "critical"]} />
        <FilterSelect name="status" label="State" value={q.status} any={null} options={["all", "open", "acknowledged"]} />
        <DateFilters raw={raw} />
      </FilterForm>
      <section className="panel">
        {page.items.length === 0 ? (
          <div className="empty">No alerts{Object.keys(raw).length ? " match these filters" : " yet"}.</div>
        ) : (
          <div className="table-scroll">
            <table data-testid="alert-history">
              <thead>
                <tr>
                  <th>Raised</th>
                  <th>Severity</th>
                  <th>User</th>
                  <th>Message</th>
                  <th>Acknowledged</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((a) => (
                  <tr key={a.alert_id} data-alert-id={a.alert_id}>
                    <td>
                      <UtcTime iso={a.created_at} />
                    </td>
                    <td>
                      <span className={`sev sev-${a.severity === "critical" ? "critical" : "medium"}`}>{a.severity}</span>
                    </td>
                    <td>{a.user_id === null ? <i>the server</i> : (a.username ?? `user ${a.user_id}`)}</td>
                    <td>{a.message}</td>
                    <td>
                      {a.acknowledged_at ? (
                        <>
                          by {a.acknowledged_by_name ?? "a deleted user"}, <UtcTime iso={a.acknowledged_at} />
                        </>
                      ) : (
                        <AckButton id={a.alert_id} />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pager path="/admin/alerts" params={raw} page={page} testId="alert-total" noun="alerts" />
      </section>
    </>
  );
}
