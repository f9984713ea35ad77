import { Pager } from "@/components/shell/pager";
import { requirePrincipal } from "@/lib/auth/page";
import { getContext } from "@/lib/context";
import { filledParams } from "@/lib/http/search-params";
import { MITIGATION_STATUSES, mitigationListSchema } from "@/lib/domain/mitigations";
import { statusLabel } from "@/components/mitigations/labels";
import { MitigationDialogButton } from "@/components/mitigations/mitigation-form";
import { MitigationTable } from "@/components/mitigations/mitigation-table";

export const dynamic = "force-dynamic";

export default async function MitigationsPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  await requirePrincipal("/mitigations");
  const raw = filledParams(await searchParams);
  const parsed = mitigationListSchema.safeParse(raw);
  const q = parsed.success ? parsed.data : mitigationListSchema.parse({});
  const page = await getContext().mitigations.list(q);
  return (
    <>
      <div className="page-head">
        <h1>Mitigations</h1>
        <MitigationDialogButton mode={{ kind: "create" }} label="New mitigation" />
      </div>
      {!parsed.success && <div className="notice">Some filters were not understood and were ignored.</div>}
      <form className="toolbar" method="get" role="search" aria-label="Filter mitigations">
        <label>
          Status
          <select name="status" defaultValue={q.status ?? ""}>
            <option value="">any</option>
            {MITIGATION_STATUSES.map((s) => (
              <option key={s} value={s}>
                {statusLabel(s)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Overdue
          <select name="overdue" defaultValue={q.overdue === undefined ? "" : String(q.overdue)}>
            <option value="">any</option>
            <option value="true">overdue only</option>
            <option value="false">not overdue</option>
          </select>
        </label>
        <label>
          Risk number
          <input name="risk_id" type="number" min={1} defaultValue={q.risk_id} inputMode="numeric" />
        </label>
        <button type="submit" className="secondary">
          Apply
        </button>
      </form>
      <section className="panel">
        <MitigationTable items={page.items} showRisk />
        <Pager path="/mitigations" params={raw} page={page} testId="mitigation-total" noun="mitigations" />
      </section>
    </>
  );
}
