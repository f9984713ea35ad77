import type { QuotaStats } from "@/lib/domain/quota/stats";

export function StatsCards({ s }: { s: QuotaStats }) {
  const cards = [
    { key: "total_users", label: "Users", value: s.total_users.toLocaleString("en-US") },
    { key: "commands_today", label: "Commands today", value: s.commands_today.toLocaleString("en-US") },
    { key: "violations_today", label: "Violations today", value: s.violations_today.toLocaleString("en-US") },
    { key: "high_utilization_count", label: "Users ≥ 80 %", value: String(s.high_utilization_count) },
    { key: "average_throttle_factor", label: "Avg throttle", value: s.average_throttle_factor.toFixed(2) },
    { key: "cpu_percent", label: "CPU", value: `${s.system_load.cpu_percent.toFixed(1)}%` },
    { key: "memory_percent", label: "Memory", value: `${s.system_load.memory_percent.toFixed(1)}%` },
  ];
  return (
    <section className="grid cards" aria-label="Quota statistics">
      {cards.map((c) => (
        <div className="panel card" key={c.key}>
          <div className="label">{c.label}</div>
          <div className="value" data-testid={`stat-${c.key}`}>
            {c.value}
          </div>
        </div>
      ))}
    </section>
  );
}
