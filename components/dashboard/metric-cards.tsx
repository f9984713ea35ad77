import type { DashboardSnapshot } from "@/lib/domain/dashboard/snapshot";
import { CardGrid, type Card } from "../shell/card-grid";

const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function MetricCards({ m }: { m: DashboardSnapshot["metrics"] }) {
  const trend = m.trending_up_percent;
  const cards: Card[] = [
    { key: "total_risks", label: "Open risks", value: fmt(m.total_risks) },
    { key: "critical_risks", label: "Critical", value: fmt(m.critical_risks) },
    { key: "high_risks", label: "High", value: fmt(m.high_risks) },
    { key: "medium_risks", label: "Medium", value: fmt(m.medium_risks) },
    { key: "low_risks", label: "Low", value: fmt(m.low_risks) },
    {
      key: "average_risk_score",
      label: "Average score",
      value: fmt(m.average_risk_score, 2),
      sub: (
        <span className={trend > 0 ? "up" : trend < 0 ? "down" : undefined} data-testid="metric-trending_up_percent">
          {trend > 0 ? "▲" : trend < 0 ? "▼" : "■"} {fmt(Math.abs(trend), 1)}% vs prior week
        </span>
      ),
    },
    { key: "mitigation_rate", label: "Mitigated", value: `${fmt(m.mitigation_rate, 1)}%` },
  ];
  return <CardGrid cards={cards} label="Metrics" testIdPrefix="metric" />;
}
