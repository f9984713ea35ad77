"use client";
import { useEffect, useState } from "react";
import { api } from "@/lib/client/api";
import type { DashboardSnapshot } from "@/lib/domain/dashboard/snapshot";
import { LIVE_TREND_DAYS, mergeTrend, TREND_DAYS, type TrendDays, type TrendPointData } from "@/lib/contract/trend";
import { MitigationChart, SeverityChart, TrendChart } from "./charts";
import { HeatMap, TreatmentSummary } from "./heat-map";
import { MetricCards } from "./metric-cards";
import { MitigationProgress, TopRisks } from "./tables";

/**
 * The trend with its range: 30 days is the live section as it comes; 90 or 365 days are read
 * once (GET /api/v1/dashboard?trend_days=) and the live points are laid over them as they come.
 */
function TrendPanel({ live }: { live: TrendPointData[] }) {
  const [days, setDays] = useState<TrendDays>(LIVE_TREND_DAYS);
  const [long, setLong] = useState<{ days: TrendDays; points: TrendPointData[] } | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (days === LIVE_TREND_DAYS || long?.days === days) return;
    let stale = false;
    api<{ risk_trends: TrendPointData[] }>("GET", `/api/v1/dashboard?trend_days=${days}`)
      .then((d) => !stale && (setLong({ days, points: d.risk_trends }), setFailed(false)))
      .catch(() => !stale && setFailed(true));
    return () => {
      stale = true;
    };
  }, [days, long?.days]);
  const shown = days !== LIVE_TREND_DAYS && long?.days === days ? mergeTrend(long.points, live, days) : live;
  return (
    <section className="panel">
      <div className="page-head">
        <h2>Risk score trend ({shown === live ? LIVE_TREND_DAYS : days} days)</h2>
        <select
          aria-label="Trend range"
          data-testid="trend-range"
          value={days}
          onChange={(e) => setDays(Number(e.target.value) as TrendDays)}
        >
          {TREND_DAYS.map((d) => (
            <option key={d} value={d}>
              {d} days
            </option>
          ))}
        </select>
      </div>
      {failed && <div className="notice">Could not load the longer trend; showing 30 days.</div>}
      <TrendChart data={shown} />
    </section>
  );
}

/** The whole dashboard for one snapshot; renders the same whichever channel delivered it. */
export function DashboardView({ data }: { data: DashboardSnapshot }) {
  return (
    <div className="grid">
      <MetricCards m={data.metrics} />
      <div className="grid two">
        <TrendPanel live={data.risk_trends} />
        <section className="panel">
          <h2>Open risks by severity</h2>
          <SeverityChart data={data.severity_distribution} />
        </section>
      </div>
      {data.risk_matrix && (
        <div className="grid two">
          <section className="panel">
            <h2>Heat map: likelihood × impact</h2>
            <HeatMap matrix={data.risk_matrix} />
          </section>
          <section className="panel">
            <h2>Treatment and reviews</h2>
            <TreatmentSummary treatments={data.risks_by_treatment} reviews={data.review_status} />
          </section>
        </div>
      )}
      <div className="grid two">
        <section className="panel">
          <h2>Top risks</h2>
          <TopRisks rows={data.top_risks} />
        </section>
        <section className="panel">
          <h2>Mitigations</h2>
          <MitigationChart data={data.mitigation_status} />
          <h2 style={{ marginTop: 16 }}>Due soonest</h2>
          <MitigationProgress rows={data.mitigation_progress} />
        </section>
      </div>
    </div>
  );
}
