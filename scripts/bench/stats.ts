// Percentiles for the benchmark's samples, shared by the scenarios and the baselines comparison.

/** The p-th percentile of the finite samples (nearest rank), to 2 decimals; NaN when there are none. */
export const pct = (xs: number[], p: number) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! * 100) / 100 : NaN;
};

export const dist = (xs: number[]) => ({ n: xs.length, p50: pct(xs, 50), p95: pct(xs, 95), p99: pct(xs, 99), max: pct(xs, 100) });
