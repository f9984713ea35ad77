// Sliding-window counters keyed by anything (a user, an address, an e-mail): at most `limit`
// hits per `windowMs` per key. Keys with no recent hit are forgotten, so memory stays bounded
// by the keys active within one window.
export class SlidingWindows<K = string> {
  private stamps = new Map<K, number[]>();
  private lastSweep = 0;

  constructor(
    private limit: number,
    private windowMs: number,
    private clock: () => number = Date.now,
  ) {}

  private recent(key: K, now: number): number[] {
    const s = this.stamps.get(key);
    if (!s) return [];
    while (s.length && now - s[0]! >= this.windowMs) s.shift();
    if (s.length === 0) this.stamps.delete(key);
    return s;
  }

  private sweep(now: number) {
    if (now - this.lastSweep < this.windowMs) return;
    this.lastSweep = now;
    for (const k of [...this.stamps.keys()]) this.recent(k, now);
  }

  /** Counts a hit if the key is under its limit; false when it is not (nothing counted). */
  take(key: K): boolean {
    const now = this.clock();
    this.sweep(now);
    const s = this.recent(key, now);
    if (s.length >= this.limit) return false;
    this.hit(key, now);
    return true;
  }

  /** Counts a hit whatever the count (failed sign-ins are counted even past the limit). */
  hit(key: K, now = this.clock()): void {
    const s = this.stamps.get(key) ?? [];
    s.push(now);
    if (s.length > this.limit) s.splice(0, s.length - this.limit);
    this.stamps.set(key, s);
  }

  /** Milliseconds until the key may act again (0: now). */
  retryAfter(key: K): number {
    const now = this.clock();
    const s = this.recent(key, now);
    return s.length < this.limit ? 0 : this.windowMs - (now - s[0]!);
  }

  clear(key: K): void {
    this.stamps.delete(key);
  }

  get size() {
    return this.stamps.size;
  }
}
