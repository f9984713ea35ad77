"use client";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { LoadPoint } from "@/hooks/use-quota-console";

export function LoadChart({ data }: { data: LoadPoint[] }) {
  return (
    <div className="chart" data-testid="load-chart">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid stroke="#2a3541" vertical={false} />
          <XAxis dataKey="time" tick={{ stroke: "#8b98a5", fontSize: 11 }} minTickGap={40} />
          <YAxis domain={[0, 100]} tick={{ stroke: "#8b98a5", fontSize: 11 }} unit="%" />
          <Tooltip contentStyle={{ background: "#1e2731", border: "1px solid #2a3541", borderRadius: 6 }} />
          <Legend />
          <Line type="monotone" dataKey="cpu" name="CPU" stroke="#4ea1ff" dot={false} isAnimationActive={false} />
          <Line type="monotone" dataKey="memory" name="Memory" stroke="#d29922" dot={false} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
