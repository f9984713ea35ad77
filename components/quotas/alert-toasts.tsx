"use client";
import type { AlertDto } from "@/lib/domain/quota/dto";

export function AlertToasts({
  toasts,
  onAck,
  onDismiss,
}: {
  toasts: AlertDto[];
  onAck: (id: number) => void;
  onDismiss: (id: number) => void;
}) {
  return (
    <div className="toasts" aria-live="assertive">
      {toasts.map((a) => (
        <div key={a.alert_id} className={`toast toast-${a.severity}`} role="alert" data-testid="alert-toast">
          <div>
            <b>{a.severity === "critical" ? "Critical alert" : "Alert"}</b>
            <div>
              {a.user_id === null ? "The server" : a.username}: {a.message}
            </div>
          </div>
          <div style={{ display: "flex", gap: 6 }}>
            {a.alert_id > 0 && <button onClick={() => onAck(a.alert_id)}>Acknowledge</button>}
            <button className="secondary" aria-label="Dismiss" onClick={() => onDismiss(a.alert_id)}>
              ×
            </button>
          </div>
        </div>
      ))}
    </div>
  );
}
