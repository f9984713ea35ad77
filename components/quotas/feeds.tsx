import type { AlertDto, ViolationDto } from "@/lib/domain/quota/dto";
import type { UsageRow } from "@/lib/domain/quota/stats";

const time = (iso: string) => new Date(iso).toLocaleTimeString();

export function ViolationFeed({ items }: { items: ViolationDto[] }) {
  if (items.length === 0) return <div className="empty">No violations yet.</div>;
  return (
    <ul className="feed" data-testid="violation-feed">
      {items.map((v, i) => (
        <li key={`${v.id}-${i}`} data-testid="violation-item" data-violation-id={v.id}>
          <span className="muted">{time(v.created_at)}</span> <b>{v.username ?? `user ${v.user_id}`}</b> — {v.message}{" "}
          <span className="pill">
            {v.attempted}/{v.limit} {v.period}
          </span>
        </li>
      ))}
    </ul>
  );
}

export function OpenAlerts({ items, onAck }: { items: AlertDto[]; onAck: (id: number) => void }) {
  if (items.length === 0) return <div className="empty">No open alerts.</div>;
  return (
    <table data-testid="open-alerts">
      <tbody>
        {items.map((a) => (
          <tr key={a.alert_id}>
            <td>
              <span className={`sev sev-${a.severity === "critical" ? "critical" : "high"}`}>{a.severity}</span>
            </td>
            <td>
              <b>{a.user_id === null ? "The server" : a.username}</b> — {a.message}
            </td>
            <td className="muted">{time(a.created_at)}</td>
            <td>
              {a.alert_id > 0 && (
                <button className="secondary" onClick={() => onAck(a.alert_id)}>
                  Acknowledge
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function UsageTable({ rows }: { rows: UsageRow[] }) {
  if (rows.length === 0) return <div className="empty">No commands in the current windows.</div>;
  return (
    <table data-testid="usage-table">
      <thead>
        <tr>
          <th>User</th>
          <th>Command</th>
          <th>Period</th>
          <th className="num">Used</th>
          <th>Utilisation</th>
          <th className="num">Throttle</th>
        </tr>
      </thead>
      <tbody>
        {rows.slice(0, 25).map((r) => (
          <tr key={`${r.user_id}-${r.command_type}-${r.period}`}>
            <td>{r.username}</td>
            <td>{r.command_type}</td>
            <td>{r.period}</td>
            <td className="num">
              {r.used}/{r.limit}
            </td>
            <td>
              <div
                className={`bar ${r.utilization >= 0.8 ? "hot" : r.utilization >= 0.5 ? "warm" : ""}`}
                title={`${Math.round(r.utilization * 100)}%`}
              >
                <i style={{ width: `${Math.min(100, r.utilization * 100)}%` }} />
              </div>
            </td>
            <td className="num">{r.throttle_factor.toFixed(2)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
