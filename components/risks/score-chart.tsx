"use client";
// A risk's score over time, with the same figures as a visually hidden table for screen readers.
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export interface ScorePoint {
  score: number;
  recorded_at: string;
}

export function ScoreChart({ points }: { points: ScorePoint[] }) {
  if (points.length === 0) return <div className="empty">No score history yet.</div>;
  const data = points.map((p) => ({ ...p, when: p.recorded_at.slice(0, 16).replace("T", " ") }));
  return (
    <figure className="chart-figure">
      <div className="chart" data-testid="score-chart" aria-hidden="true">
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }} accessibilityLayer={false}>
            <CartesianGrid stroke="var(--border)" vertical={false} />
            <XAxis
              dataKey="when"
              tick={{ fontSize: 11, fill: "var(--muted)" }}
              minTickGap={32}
              tickFormatter={(w: string) => w.slice(5, 10)}
            />
            <YAxis tick={{ fontSize: 11, fill: "var(--muted)" }} domain={[0, 10]} />
            <Tooltip contentStyle={{ background: "var(--panel)", border: "1px solid var(--border)" }} />
            <Line type="stepAfter" dataKey="score" stroke="var(--accent)" dot={points.length < 30} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="muted">
        {points.length} score change{points.length === 1 ? "" : "s"}, from {points[0]!.score.toFixed(2)} to{" "}
        {points.at(-1)!.score.toFixed(2)}
      </figcaption>
      <table className="sr-only">
        <caption>Score history</caption>
        <thead>
          <tr>
            <th>When (UTC)</th>
            <th>Score</th>
          </tr>
        </thead>
        <tbody>
          {data.map((p, i) => (
            <tr key={i}>
              <td>{p.when}</td>
              <td>{p.score.toFixed(2)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
