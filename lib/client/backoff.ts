/** Delay before retry `attempt` (1-based): base, 2×base, 4×base … capped. 1, 2, 4, 8, 16 s by default. */
export function backoffDelay(attempt: number, baseMs: number, capMs: number): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
}
