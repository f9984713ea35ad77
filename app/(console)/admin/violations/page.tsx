import { requirePrincipal } from "@/lib/http/page-auth";
import { getContext } from "@/lib/context";
import { PERIODS } from "@/lib/domain/quota/periods";
import { violationListSchema } from "@/lib/domain/quota/schemas";
import { dayRange } from "@/lib/http/search-params";
import { FilterForm, FilterSelect, IgnoredFilters, listQuery } from "@/components/shell/filters";
import { DateFilters, HistoryTabs, UserSelect } from "@/components/history/history-tabs";
import { Pager, UtcTime } from "@/components/shell/pager";

export const dynamic = "force-dynamic";

export default async function ViolationsPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  await requirePrincipal("/admin/violations", "admin");
  const { raw, q, ok } = await listQuery(violationListSchema, searchParams, {
    defaults: { page_size: "50" },
    prepare: (r) => dayRange(r, "since", "until"),
  });
  const ctx = getContext();
  const [page, people] = await Promise.all([ctx.quotas.commands.violations(q), ctx.users.list({ page: 1, page_size: 200 })]);
  return (
    <>
      <h1>History</h1>
      <HistoryTabs current="violations" />
      <IgnoredFilters ok={ok} />
      <FilterForm label="Filter violations">
        <UserSelect users={people.items} value={raw.user_id} />
        <label>
          Command type
          <input name="command_type" defaultValue={q.command_type} placeholder="e.g. deploy" maxLength={50} />
        </label>
        <FilterSelect name="period" label="Period" value={q.period} options={PERIODS} />
        <DateFilters raw={raw} />
      </FilterForm>
      <section className="panel">
        {page.items.length === 0 ? (
          <div className="empty">No violations{Object.keys(raw).length ? " match these filters" : " yet"}.</div>
        ) : (
          <div className="table-scroll">
            <table data-testid="violation-history">
              <thead>
                <tr>
                  <th>When</th>
                  <th>User</th>
                  <th>Command</th>
                  <th>Period</th>
                  <th className="num">Attempted / limit</th>
                  <th>Message</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((v) => (
                  <tr key={v.id}>
                    <td>
                      <UtcTime iso={v.created_at} />
                    </td>
                    <td>{v.username ?? `user ${v.user_id}`}</td>
                    <td>{v.command_type}</td>
                    <td>{v.period}</td>
                    <td className="num">
                      {v.attempted} / {v.limit}
                    </td>
                    <td>{v.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pager path="/admin/violations" params={raw} page={page} testId="violation-total" noun="violations" />
      </section>
    </>
  );
}
