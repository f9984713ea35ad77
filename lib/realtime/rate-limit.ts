/** A sliding-window limit for one client: at most `limit` actions per `windowMs`. */
export class SlidingWindow {
  private stamps: number[] = [];
  constructor(private limit: number, private windowMs: number) {}

  take(now = Date.now()): boolean {
    while (this.stamps.length && now - this.stamps[0] >= this.windowMs) this.stamps.shift();
    if (this.stamps.length >= this.limit) return false;
    this.stamps.push(now);
    return true;
  }

  /** Milliseconds until the next action would be allowed. */
  retryAfter(now = Date.now()): number {
    return this.stamps.length < this.limit ? 0 : this.windowMs - (now - this.stamps[0]);
  }
}
