/** At most `limit` holders at once and at most `queue` waiting; acquire() rejects past that. */
export class Semaphore {
  private held = 0;
  private waiting: (() => void)[] = [];
  constructor(
    private limit: number,
    private queue: number,
  ) {}

  acquire(): Promise<() => void> {
    if (this.held < this.limit) {
      this.held++;
      return Promise.resolve(this.releaser());
    }
    if (this.waiting.length >= this.queue) return Promise.reject(new Error("semaphore queue full"));
    return new Promise((resolve) => this.waiting.push(() => resolve(this.releaser())));
  }

  private releaser() {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.held--;
    };
  }

  get active() {
    return this.held;
  }
}
