"use client";
import { useDashboard } from "@/hooks/use-dashboard";
import type { DashboardUpdate } from "@/lib/realtime/dashboard-feed";
import { DashboardView } from "./dashboard-view";

export function LiveDashboard({ initial }: { initial: DashboardUpdate }) {
  const { data, error, refresh, state } = useDashboard(initial);
  return (
    <>
      <div style={{ display: "flex", alignItems: "center", justifyContent: "space-between", marginBottom: 16 }}>
        <h1 style={{ margin: 0 }}>Risk dashboard</h1>
        <div style={{ display: "flex", gap: 8, alignItems: "center" }}>
          <span className="muted" data-testid="dashboard-version">
            v{data.version}
          </span>
          <button className="secondary" onClick={() => void refresh()} disabled={state !== "live"}>
            Refresh
          </button>
        </div>
      </div>
      {error && state !== "offline" && <div className="notice">{error}</div>}
      <DashboardView data={data} />
    </>
  );
}
