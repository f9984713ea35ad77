import type { QuotaStats } from "@/lib/domain/quota/stats";
import { CardGrid, type Card } from "../shell/card-grid";

export function StatsCards({ s }: { s: QuotaStats }) {
  const cards: Card[] = [
    { key: "total_users", label: "Users", value: s.total_users.toLocaleString("en-US") },
    { key: "commands_today", label: "Commands today", value: s.commands_today.toLocaleString("en-US") },
    { key: "violations_today", label: "Violations today", value: s.violations_today.toLocaleString("en-US") },
    { key: "high_utilization_count", label: "Users ≥ 80 %", value: String(s.high_utilization_count) },
    { key: "average_throttle_factor", label: "Avg throttle", value: s.average_throttle_factor.toFixed(2) },
    { key: "cpu_percent", label: "CPU", value: `${s.system_load.cpu_percent.toFixed(1)}%` },
    { key: "memory_percent", label: "Memory", value: `${s.system_load.memory_percent.toFixed(1)}%` },
  ];
  return <CardGrid cards={cards} label="Quota statistics" testIdPrefix="stat" />;
}
