"use client";
import { useDashboard } from "@/hooks/use-dashboard";
import type { DashboardUpdate } from "@/lib/contract/protocol";
import { Freshness } from "../live/freshness";
import { SessionEnded } from "../live/session-ended";
import { DashboardView } from "./dashboard-view";

export function LiveDashboard({ initial }: { initial: DashboardUpdate }) {
  const d = useDashboard(initial);
  return (
    <>
      <div className="page-head">
        <h1>Risk dashboard</h1>
        <div className="page-actions">
          <Freshness updatedAt={d.updatedAt} aliveAt={d.aliveAt} state={d.state} />
          <span className="muted" data-testid="dashboard-version">
            v{d.data.version}
          </span>
          <button className="secondary" onClick={() => void d.refresh()} disabled={d.state === "offline" || d.state === "connecting"}>
            Refresh
          </button>
        </div>
      </div>
      <SessionEnded code={d.ended} path="/dashboard" />
      {d.error && d.state !== "offline" && <div className="notice">{d.error}</div>}
      <DashboardView data={d.data} />
    </>
  );
}
