// Quota periods and their windows (UTC): a period's window is the calendar hour, day,
// ISO week (from Monday) or month that contains the moment.
export const PERIODS = ["hourly", "daily", "weekly", "monthly"] as const;
export type Period = (typeof PERIODS)[number];

export function windowStart(period: Period, at: Date): Date {
  const y = at.getUTCFullYear(),
    m = at.getUTCMonth(),
    d = at.getUTCDate();
  switch (period) {
    case "hourly":
      return new Date(Date.UTC(y, m, d, at.getUTCHours()));
    case "daily":
      return new Date(Date.UTC(y, m, d));
    case "weekly":
      return new Date(Date.UTC(y, m, d - ((at.getUTCDay() + 6) % 7)));
    case "monthly":
      return new Date(Date.UTC(y, m, 1));
  }
}

export function windowEnd(period: Period, at: Date): Date {
  const s = windowStart(period, at);
  const y = s.getUTCFullYear(),
    m = s.getUTCMonth(),
    d = s.getUTCDate();
  switch (period) {
    case "hourly":
      return new Date(s.getTime() + 3_600_000);
    case "daily":
      return new Date(Date.UTC(y, m, d + 1));
    case "weekly":
      return new Date(Date.UTC(y, m, d + 7));
    case "monthly":
      return new Date(Date.UTC(y, m + 1, 1));
  }
}
