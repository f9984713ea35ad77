import Link from "next/link";
import { Pager } from "@/components/shell/pager";
import { FilterForm, FilterSelect, IgnoredFilters, listQuery } from "@/components/shell/filters";
import { requirePrincipal } from "@/lib/http/page-auth";
import { getContext } from "@/lib/context";
import { riskListSchema, SEVERITIES } from "@/lib/domain/risks";
import { DeleteRiskButton, RiskDialogButton } from "@/components/risks/risk-form";
import { OwnerFilter } from "@/components/owners/owner-filter";
import { OwnerName } from "@/components/owners/people";

export const dynamic = "force-dynamic";

export default async function RisksPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  await requirePrincipal("/risks");
  const { raw, q, ok } = await listQuery(riskListSchema, searchParams);
  const page = await getContext().risks.list(q);
  return (
    <>
      <div style={{ display: "flex", alignItems: "center", justifyContent: "space-between" }}>
        <h1>Risks</h1>
        <RiskDialogButton mode={{ kind: "create" }} label="New risk" />
      </div>
      <IgnoredFilters ok={ok} />
      <FilterForm label="Filter risks">
        <label>
          Search title
          <input name="q" defaultValue={q.q} placeholder="e.g. Payment" />
        </label>
        <FilterSelect name="status" label="Status" value={q.status} options={["open", "closed"]} />
        <FilterSelect name="severity" label="Severity" value={q.severity} options={SEVERITIES} />
        <OwnerFilter value={q.owner_id} />
        <FilterSelect
          name="sort"
          label="Sort"
          value={q.sort}
          any={null}
          options={[
            ["score", "score"],
            ["opened_at", "opened"],
            ["updated_at", "updated"],
            ["title", "title"],
            ["owner", "owner"],
          ]}
        />
      </FilterForm>
      <section className="panel">
        {page.items.length === 0 ? (
          <div className="empty">No risks match these filters.</div>
        ) : (
          <table data-testid="risk-list">
            <thead>
              <tr>
                <th>#</th>
                <th>Title</th>
                <th>Severity</th>
                <th>Owner</th>
                <th className="num">Likelihood</th>
                <th className="num">Impact</th>
                <th className="num">Score</th>
                <th>Status</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((r) => (
                <tr key={r.id} data-risk-id={r.id}>
                  <td className="muted">{r.id}</td>
                  <td>
                    <Link href={`/risks/${r.id}`}>{r.title}</Link>
                  </td>
                  <td>
                    <span className={`sev sev-${r.severity}`}>{r.severity}</span>
                  </td>
                  <td>
                    <OwnerName owner={r.owner} />
                  </td>
                  <td className="num">{r.likelihood.toFixed(2)}</td>
                  <td className="num">{r.impact.toFixed(2)}</td>
                  <td className="num">{r.score.toFixed(2)}</td>
                  <td>
                    <span className="pill">{r.status}</span>
                  </td>
                  <td style={{ display: "flex", gap: 6, justifyContent: "flex-end" }}>
                    <RiskDialogButton mode={{ kind: "edit", risk: r }} label="Edit" className="secondary" />
                    <DeleteRiskButton id={r.id} title={r.title} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <Pager path="/risks" params={raw} page={page} testId="risk-total" noun="risks" />
      </section>
    </>
  );
}
