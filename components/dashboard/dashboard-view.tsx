"use client";
import type { DashboardSnapshot } from "@/lib/domain/dashboard/snapshot";
import { MitigationChart, SeverityChart, TrendChart } from "./charts";
import { HeatMap, TreatmentSummary } from "./heat-map";
import { MetricCards } from "./metric-cards";
import { MitigationProgress, TopRisks } from "./tables";

/** The whole dashboard for one snapshot; renders the same whichever channel delivered it. */
export function DashboardView({ data }: { data: DashboardSnapshot }) {
  return (
    <div className="grid">
      <MetricCards m={data.metrics} />
      <div className="grid two">
        <section className="panel">
          <h2>Risk score trend (30 days)</h2>
          <TrendChart data={data.risk_trends} />
        </section>
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
