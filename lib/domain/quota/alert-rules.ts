// Alert rules: N violations by one user in one UTC day raise an alert of a severity, written as
// ALERT_RULES="3:warning,5:critical". Parsed inside the configuration schema so a bad value is
// reported with every other bad setting.
export interface AlertRule {
  count: number;
  severity: "warning" | "critical";
}

export const DEFAULT_ALERT_RULES: AlertRule[] = [
  { count: 3, severity: "warning" },
  { count: 5, severity: "critical" },
];

/** "3:warning,5:critical" → rules; throws on anything else. */
export function parseAlertRules(spec: string): AlertRule[] {
  return spec.split(",").map((part) => {
    const m = /^\s*(\d+)\s*:\s*(warning|critical)\s*$/.exec(part);
    if (!m || Number(m[1]) < 1) throw new Error(`"${part}" is not <count>:<warning|critical>`);
    return { count: Number(m[1]), severity: m[2] as AlertRule["severity"] };
  });
}
