// Alert rules: N violations by one user in one UTC day raise an alert of a severity. Configured
// as ALERT_RULES="3:warning,5:critical" (parsed by lib/config.ts, which imports nothing of the app).
export interface AlertRule {
  count: number;
  severity: "warning" | "critical";
}

export const DEFAULT_ALERT_RULES: AlertRule[] = [
  { count: 3, severity: "warning" },
  { count: 5, severity: "critical" },
];
