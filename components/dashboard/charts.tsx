"use client";
// Charts use recharts (SVG, React-native, well maintained). Animations are off so live
// updates repaint in place instead of re-animating from zero.
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { DashboardSnapshot } from "@/lib/domain/dashboard/snapshot";
import { ChartTable } from "@/components/shell/chart-table";

const axis = { stroke: "var(--muted)", fontSize: 11 };
const tooltip = {
  contentStyle: { background: "var(--panel-2)", border: "1px solid var(--border)", borderRadius: 6 },
  labelStyle: { color: "var(--text)" },
};
const SEVERITY_COLORS = { critical: "#ff5c5c", high: "#ff9f43", medium: "#f7d154", low: "#4cd1a5" };
const MITIGATION_COLORS = { completed: "#3fb950", in_progress: "#4ea1ff", not_started: "var(--muted)", overdue: "#f85149" };

export function TrendChart({ data }: { data: DashboardSnapshot["risk_trends"] }) {
  return (
    <div className="chart" data-testid="trend-chart">
      <ChartTable caption="Average open-risk score per day" head={["Day", "Score"]} rows={data.map((p) => [p.date, p.score.toFixed(2)])} />
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }} accessibilityLayer={false}>
          <defs>
            <linearGradient id="trendFill" x1="0" y1="0" x2="0" y2="1">
              <stop offset="0%" stopColor="#4ea1ff" stopOpacity={0.5} />
              <stop offset="100%" stopColor="#4ea1ff" stopOpacity={0} />
            </linearGradient>
          </defs>
          <CartesianGrid stroke="var(--border)" vertical={false} />
          <XAxis dataKey="date" tick={axis} tickFormatter={(d: string) => d.slice(5)} minTickGap={24} />
          <YAxis tick={axis} domain={[0, "auto"]} />
          <Tooltip {...tooltip} />
          <Area type="monotone" dataKey="score" stroke="#4ea1ff" fill="url(#trendFill)" isAnimationActive={false} />
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}

function CountBars({
  rows,
  colors,
  testId,
  caption,
}: {
  rows: { name: string; value: number }[];
  colors: Record<string, string>;
  testId: string;
  caption: string;
}) {
  return (
    <div className="chart" data-testid={testId}>
      <ChartTable caption={caption} head={["Category", "Count"]} rows={rows.map((r) => [r.name.replace("_", " "), r.value])} />
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: -16 }} accessibilityLayer={false}>
          <CartesianGrid stroke="var(--border)" vertical={false} />
          <XAxis dataKey="name" tick={axis} />
          <YAxis tick={axis} allowDecimals={false} />
          <Tooltip {...tooltip} cursor={{ fill: "#ffffff10" }} />
          <Bar dataKey="value" isAnimationActive={false}>
            {rows.map((r) => (
              <Cell key={r.name} fill={colors[r.name]} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

export function SeverityChart({ data }: { data: DashboardSnapshot["severity_distribution"] }) {
  const rows = (["critical", "high", "medium", "low"] as const).map((k) => ({ name: k, value: data[k] }));
  return <CountBars rows={rows} colors={SEVERITY_COLORS} testId="severity-chart" caption="Open risks by severity" />;
}

export function MitigationChart({ data }: { data: DashboardSnapshot["mitigation_status"] }) {
  const rows = (["completed", "in_progress", "not_started", "overdue"] as const).map((k) => ({ name: k, value: data[k] }));
  return <CountBars rows={rows} colors={MITIGATION_COLORS} testId="mitigation-chart" caption="Mitigations by status" />;
}
