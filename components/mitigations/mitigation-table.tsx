"use client";
// Mitigations as a table with their actions; `showRisk` adds a column linking to each one's risk.
import Link from "next/link";
import { useRouter } from "next/navigation";
import type { MitigationDto } from "@/lib/domain/mitigations";
import { OwnerName } from "@/components/owners/people";
import { statusLabel } from "./labels";
import { DeleteMitigationButton, MitigationDialogButton, ProgressBar, ProgressControls } from "./mitigation-form";

/** `onChanged` defaults to refreshing the server-rendered page. */
export function MitigationTable({ items, showRisk, onChanged }: { items: MitigationDto[]; showRisk?: boolean; onChanged?: () => void }) {
  const router = useRouter();
  const changed = onChanged ?? (() => router.refresh());
  if (items.length === 0) return <div className="empty">No mitigations.</div>;
  return (
    <div className="table-scroll">
      <table data-testid="mitigation-list">
        <thead>
          <tr>
            <th>Mitigation</th>
            {showRisk && <th>Risk</th>}
            <th>Owner</th>
            <th>Status</th>
            <th>Progress</th>
            <th>Due</th>
            <th>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((m) => (
            <tr key={m.id} data-mitigation-id={m.id}>
              <td>{m.title}</td>
              {showRisk && (
                <td>
                  <Link href={`/risks/${m.risk_id}`}>risk #{m.risk_id}</Link>
                </td>
              )}
              <td>
                <OwnerName owner={m.owner} />
              </td>
              <td>
                <span className={`pill status-${m.status}`}>{statusLabel(m.status)}</span>
              </td>
              <td>
                <ProgressBar percent={m.completion_percent} />
              </td>
              <td className={m.overdue ? "up" : undefined}>
                {m.due_date.slice(0, 10)}
                {m.overdue && <b> · overdue</b>}
              </td>
              <td className="actions">
                <MitigationDialogButton mode={{ kind: "edit", mitigation: m }} label="Edit" className="secondary" onSaved={changed} />
                <ProgressControls m={m} onSaved={changed} />
                <DeleteMitigationButton m={m} onDeleted={changed} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
