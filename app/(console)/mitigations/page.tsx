import { Pager } from "@/components/shell/pager";
import { FilterForm, FilterSelect, IgnoredFilters, listQuery } from "@/components/shell/filters";
import { requirePrincipal } from "@/lib/http/page-auth";
import { getContext } from "@/lib/context";
import { MITIGATION_STATUSES, mitigationListSchema } from "@/lib/domain/mitigations";
import { statusLabel } from "@/components/mitigations/labels";
import { MitigationDialogButton } from "@/components/mitigations/mitigation-form";
import { MitigationTable } from "@/components/mitigations/mitigation-table";
import { OwnerFilter } from "@/components/owners/owner-filter";

export const dynamic = "force-dynamic";

export default async function MitigationsPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  await requirePrincipal("/mitigations");
  const { raw, q, ok } = await listQuery(mitigationListSchema, searchParams);
  const page = await getContext().mitigations.list(q);
  return (
    <>
      <div className="page-head">
        <h1>Mitigations</h1>
        <MitigationDialogButton mode={{ kind: "create" }} label="New mitigation" />
      </div>
      <IgnoredFilters ok={ok} />
      <FilterForm label="Filter mitigations">
        <FilterSelect
          name="status"
          label="Status"
          value={q.status}
          options={MITIGATION_STATUSES.map((s) => [s, statusLabel(s)] as const)}
        />
        <OwnerFilter value={q.owner_id} />
        <FilterSelect
          name="overdue"
          label="Overdue"
          value={q.overdue}
          options={[
            ["true", "overdue only"],
            ["false", "not overdue"],
          ]}
        />
        <label>
          Risk number
          <input name="risk_id" type="number" min={1} defaultValue={q.risk_id} inputMode="numeric" />
        </label>
      </FilterForm>
      <section className="panel">
        <MitigationTable items={page.items} showRisk />
        <Pager path="/mitigations" params={raw} page={page} testId="mitigation-total" noun="mitigations" />
      </section>
    </>
  );
}
