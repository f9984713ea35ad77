// The one back-off: how long to wait before retry `n` (0 for the first retry): base × 2^n, capped.
// The browser's reconnects (1, 2, 4, 8, 16 s), the Redis connections and appends, and the
// dashboard feed's retries after a failed recompute all wait by it. In the contract because
// clients are told to retry with it (codes.ts: every code that is not terminal). Imports nothing.

/**
 * Milliseconds to wait before retry `n` (n ≥ 0; the exponent stops growing once the cap is
 * reached, so a large n never overflows).
 *
 * @example
 * backoffDelay(0, 1000, 16_000); // 1000
 * backoffDelay(4, 1000, 16_000); // 16000
 * backoffDelay(9, 1000, 16_000); // 16000
 */
export function backoffDelay(n: number, baseMs: number, capMs: number): number {
  return Math.min(capMs, baseMs * 2 ** Math.min(Math.max(0, n), 30));
}
