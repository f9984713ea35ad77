// The throttle factor: 1.0 while a user is under half of every quota, falling linearly to 0.0
// at the limit (0.0 = blocked). A user's factor is the lowest over their quotas.
export const THROTTLE_FROM = 0.5;
export const HIGH_UTILIZATION = 0.8;

export function throttleFactor(used: number, limit: number): number {
  if (limit <= 0) return 0;
  const u = used / limit;
  if (u <= THROTTLE_FROM) return 1;
  return Math.max(0, Math.round(((1 - u) / (1 - THROTTLE_FROM)) * 1000) / 1000);
}

/** Bands whose crossing is worth a `throttle` event: free, throttled, heavily throttled, blocked. */
export function throttleBand(factor: number): "free" | "throttled" | "heavy" | "blocked" {
  if (factor >= 1) return "free";
  if (factor >= 0.5) return "throttled";
  if (factor > 0) return "heavy";
  return "blocked";
}
