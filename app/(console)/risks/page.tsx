import Link from "next/link";
import { Pager } from "@/components/shell/pager";
import { FilterForm, FilterSelect, IgnoredFilters, listQuery } from "@/components/shell/filters";
import { requirePrincipal } from "@/lib/http/page-auth";
import { getContext } from "@/lib/context";
import { riskListSchema, SEVERITIES } from "@/lib/domain/risks";
import { DeleteRiskButton, RiskDialogButton } from "@/components/risks/risk-form";
import { OwnerFilter } from "@/components/owners/owner-filter";
import { OwnerName } from "@/components/owners/people";
import { TREATMENTS } from "@/lib/domain/register";

export const dynamic = "force-dynamic";

export default async function RisksPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  await requirePrincipal("/risks");
  const { raw, q, ok } = await listQuery(riskListSchema, searchParams);
  const page = await getContext().risks.list(q);
  const withoutPage = Object.fromEntries(Object.entries(raw).filter(([k]) => !["page", "page_size", "sort", "order"].includes(k)));
  const cell = q.likelihood_band !== undefined || q.impact_band !== undefined;
  const withoutCell = Object.fromEntries(
    Object.entries(raw).filter(([k]) => !["likelihood_band", "impact_band", "matrix", "page"].includes(k)),
  );
  return (
    <>
      <div style={{ display: "flex", alignItems: "center", justifyContent: "space-between" }}>
        <h1>Risks</h1>
        <div style={{ display: "flex", gap: 8, alignItems: "center" }}>
          <a className="button secondary" href={`/api/v1/risks/export?${new URLSearchParams({ ...withoutPage, format: "csv" })}`}>
            Export CSV
          </a>
          <Link className="button secondary" href="/risks/import">
            Import CSV
          </Link>
          <RiskDialogButton mode={{ kind: "create" }} label="New risk" />
        </div>
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
        <FilterSelect name="treatment" label="Treatment" value={q.treatment} options={[...TREATMENTS, "undecided"]} />
        <label>
          Category
          <input name="category" defaultValue={q.category} />
        </label>
        <label>
          Tag
          <input name="tag" defaultValue={q.tag} />
        </label>
        <FilterSelect name="review" label="Review" value={q.review} options={[["overdue", "overdue"]]} />
        {q.likelihood_band !== undefined && <input type="hidden" name="likelihood_band" value={q.likelihood_band} />}
        {q.impact_band !== undefined && <input type="hidden" name="impact_band" value={q.impact_band} />}
        {q.matrix && <input type="hidden" name="matrix" value={q.matrix} />}
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
      {cell && (
        <div className="notice" data-testid="cell-filter">
          Heat-map cell: {q.matrix === "residual" ? "residual " : ""}likelihood {q.likelihood_band ?? "any"} × impact{" "}
          {q.impact_band ?? "any"}. <Link href={`/risks?${new URLSearchParams(withoutCell)}`}>Show all cells</Link>
        </div>
      )}
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
                <th>Treatment</th>
                <th className="num">Residual</th>
                <th>Next review</th>
                <th>Tags</th>
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
                  <td>{r.treatment ?? <span className="muted">undecided</span>}</td>
                  <td className="num">{r.residual_score.toFixed(2)}</td>
                  <td>{r.next_review_at ? r.next_review_at.slice(0, 10) : <span className="muted">—</span>}</td>
                  <td>
                    {r.category && <span className="pill">{r.category}</span>} {r.tags.join(", ")}
                  </td>
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
