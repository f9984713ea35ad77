// A semaphore shared fairly: at most `limit` holders at once; waiters queue per purpose (each
// purpose has its own queue limit, and freed slots go to the purposes in turn, so a flood on one
// cannot starve another), and no key (a client address, a user) may hold or wait for more than
// `perKey` slots at once. acquire() rejects with SemaphoreFull when there is no room.

export class SemaphoreFull extends Error {
  constructor(readonly reason: "queue" | "key") {
    super(reason === "queue" ? "semaphore queue full" : "too many at once for this key");
  }
}

export interface Claim {
  purpose: string;
  /** Who is asking: each key may hold or wait for at most `perKey` slots at once. */
  keys?: readonly string[];
}

interface Waiter {
  keys: readonly string[];
  grant: () => void;
}

export class FairSemaphore {
  private held = 0;
  private queues = new Map<string, Waiter[]>();
  private turn: string[] = []; // purposes in the order their next waiter is served
  private perKeyCount = new Map<string, number>();

  constructor(
    readonly limit: number,
    /** How many may wait, per purpose. */
    readonly queuePerPurpose: number,
    readonly perKey = Infinity,
  ) {}

  acquire(claim: Claim): Promise<() => void> {
    const keys = claim.keys ?? [];
    if (keys.some((k) => (this.perKeyCount.get(k) ?? 0) >= this.perKey)) return Promise.reject(new SemaphoreFull("key"));
    if (this.held < this.limit) {
      this.held++;
      this.count(keys, 1);
      return Promise.resolve(this.releaser(keys));
    }
    const q = this.queues.get(claim.purpose) ?? [];
    if (q.length >= this.queuePerPurpose) return Promise.reject(new SemaphoreFull("queue"));
    this.count(keys, 1);
    this.queues.set(claim.purpose, q);
    if (!this.turn.includes(claim.purpose)) this.turn.push(claim.purpose);
    return new Promise((resolve) => q.push({ keys, grant: () => resolve(this.releaser(keys)) }));
  }

  private count(keys: readonly string[], d: number) {
    for (const k of keys) {
      const n = (this.perKeyCount.get(k) ?? 0) + d;
      if (n > 0) this.perKeyCount.set(k, n);
      else this.perKeyCount.delete(k);
    }
  }

  /** The next waiter, taking the purposes in turn. */
  private next(): Waiter | undefined {
    while (this.turn.length) {
      const purpose = this.turn.shift()!;
      const q = this.queues.get(purpose);
      const w = q?.shift();
      if (q?.length) this.turn.push(purpose);
      else this.queues.delete(purpose);
      if (w) return w;
    }
    return undefined;
  }

  private releaser(keys: readonly string[]) {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.count(keys, -1);
      const w = this.next();
      if (w) w.grant();
      else this.held--;
    };
  }

  get active() {
    return this.held;
  }

  get waiting() {
    let n = 0;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }
}
