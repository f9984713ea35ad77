"use client";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { LoadPoint } from "@/hooks/use-quota-console";
import { ChartTable } from "@/components/shell/chart-table";

export function LoadChart({ data }: { data: LoadPoint[] }) {
  return (
    <div className="chart" data-testid="load-chart">
      <ChartTable
        caption="System load, latest sample"
        head={["Resource", "Use"]}
        rows={[
          ["CPU", `${data.at(-1)?.cpu ?? 0}%`],
          ["Memory", `${data.at(-1)?.memory ?? 0}%`],
        ]}
      />
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }} accessibilityLayer={false}>
          <CartesianGrid stroke="var(--border)" vertical={false} />
          <XAxis dataKey="time" tick={{ stroke: "var(--muted)", fontSize: 11 }} minTickGap={40} />
          <YAxis domain={[0, 100]} tick={{ stroke: "var(--muted)", fontSize: 11 }} unit="%" />
          <Tooltip contentStyle={{ background: "var(--panel-2)", border: "1px solid var(--border)", borderRadius: 6 }} />
          <Legend />
          <Line type="monotone" dataKey="cpu" name="CPU" stroke="#4ea1ff" dot={false} isAnimationActive={false} />
          <Line type="monotone" dataKey="memory" name="Memory" stroke="#d29922" dot={false} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
