import Link from "next/link";
import type { DashboardSnapshot } from "@/lib/domain/dashboard/snapshot";

export function TopRisks({ rows }: { rows: DashboardSnapshot["top_risks"] }) {
  if (rows.length === 0) return <div className="empty">No open risks. </div>;
  return (
    <table data-testid="top-risks">
      <thead>
        <tr>
          <th>Risk</th>
          <th>Severity</th>
          <th className="num">Score</th>
          <th className="num">Days open</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id} data-risk-id={r.id}>
            <td>
              <Link href={`/risks/${r.id}`}>{r.title}</Link>
            </td>
            <td>
              <span className={`sev sev-${r.severity}`}>{r.severity}</span>
            </td>
            <td className="num">{r.score.toFixed(2)}</td>
            <td className="num">{r.days_open}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function MitigationProgress({ rows }: { rows: DashboardSnapshot["mitigation_progress"] }) {
  if (rows.length === 0) return <div className="empty">No open mitigations.</div>;
  return (
    <table data-testid="mitigation-progress">
      <thead>
        <tr>
          <th>Mitigation</th>
          <th>Progress</th>
          <th className="num">Due</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((m) => (
          <tr key={m.id}>
            <td>
              {m.title}{" "}
              <Link className="muted" href={`/risks/${m.risk_id}`}>
                · risk #{m.risk_id}
              </Link>
            </td>
            <td>
              <div className="bar" title={`${m.completion_percent}%`}>
                <i style={{ width: `${m.completion_percent}%` }} />
              </div>
            </td>
            <td className={`num ${m.days_remaining < 0 ? "up" : ""}`}>
              {m.days_remaining < 0 ? `${-m.days_remaining}d overdue` : `in ${m.days_remaining}d`}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
