import { requirePrincipal } from "@/lib/auth/page";
import { getContext } from "@/lib/context";
import { alertListSchema } from "@/lib/domain/quota/schemas";
import { dayRange, filledParams } from "@/lib/http/search-params";
import { AckButton } from "@/components/history/ack-button";
import { DateFilters, HistoryTabs, UserSelect } from "@/components/history/history-tabs";
import { Pager, UtcTime } from "@/components/shell/pager";

export const dynamic = "force-dynamic";

export default async function AlertsPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  await requirePrincipal("/admin/alerts", "admin");
  const raw = filledParams(await searchParams);
  const parsed = alertListSchema.safeParse({ page_size: "50", ...dayRange(raw, "since", "until") });
  const q = parsed.success ? parsed.data : alertListSchema.parse({ page_size: "50" });
  const ctx = getContext();
  const [page, people] = await Promise.all([ctx.quotas.alerts.list(q), ctx.users.list({ page: 1, page_size: 200 })]);
  return (
    <>
      <h1>History</h1>
      <HistoryTabs current="alerts" />
      {!parsed.success && <div className="notice">Some filters were not understood and were ignored.</div>}
      <form className="toolbar" method="get" role="search" aria-label="Filter alerts">
        <UserSelect users={people.items} value={raw.user_id} />
        <label>
          Severity
          <select name="severity" defaultValue={q.severity ?? ""}>
            <option value="">any</option>
            <option>warning</option>
            <option>critical</option>
          </select>
        </label>
        <label>
          State
          <select name="status" defaultValue={q.status}>
            <option value="all">all</option>
            <option value="open">open</option>
            <option value="acknowledged">acknowledged</option>
          </select>
        </label>
        <DateFilters raw={raw} />
        <button type="submit" className="secondary">
          Apply
        </button>
      </form>
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
                    <td>{a.username ?? `user ${a.user_id}`}</td>
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
