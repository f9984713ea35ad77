// Password-check throttling (sign-in, and the current password a password change asks for):
// failed attempts are counted per account (the e-mail tried) and per client address (an IPv6
// /64) over a sliding window; past either limit, the check answers 429 with Retry-After until the
// oldest failure leaves the window. The address limit is higher (offices share one address) and
// catches one client trying many accounts.
//
// reserve() checks and counts in one step, before any hash runs: every attempt is counted as a
// failure up front, so N parallel guesses past the limit never reach the password check. A
// success clears the account's count (and gives the address its slot back); an attempt that
// never got to check the password because of an outage (not a busy pool) is given back too.

export interface ThrottleVerdict {
  allowed: boolean;
  retryAfterMs: number;
}

export interface Reservation extends ThrottleVerdict {
  /** The password was right: clear the account's failures, and give the address its slot back. */
  succeeded(): void;
  /** The password was never checked (the database was down): give both slots back. */
  cancel(): void;
}

/** Timestamps per key within the window; keys with no recent attempt are forgotten. */
class Windows {
  private stamps = new Map<string, number[]>();
  private lastSweep = 0;
  constructor(
    private limit: number,
    private windowMs: number,
    private now: () => number,
  ) {}

  private recent(key: string, now: number): number[] {
    const s = this.stamps.get(key);
    if (!s) return [];
    while (s.length && now - s[0]! >= this.windowMs) s.shift();
    if (s.length === 0) this.stamps.delete(key);
    return s;
  }

  retryAfter(key: string): number {
    const now = this.now();
    if (now - this.lastSweep >= this.windowMs) {
      this.lastSweep = now;
      for (const k of [...this.stamps.keys()]) this.recent(k, now);
    }
    const s = this.recent(key, now);
    return s.length < this.limit ? 0 : this.windowMs - (now - s[0]!);
  }

  hit(key: string): number {
    const t = this.now();
    const s = this.stamps.get(key) ?? [];
    s.push(t);
    if (s.length > this.limit) s.splice(0, s.length - this.limit);
    this.stamps.set(key, s);
    return t;
  }

  /** Takes back one attempt counted at `t` (if it is still there). */
  unhit(key: string, t: number) {
    const s = this.stamps.get(key);
    const i = s?.lastIndexOf(t) ?? -1;
    if (i >= 0) s!.splice(i, 1);
    if (s && s.length === 0) this.stamps.delete(key);
  }

  clear(key: string) {
    this.stamps.delete(key);
  }
}

/**
 * Password-check throttling per account and per client address, in one sliding window each:
 * reserve() checks and counts the attempt as failed in one step (parallel guesses cannot slip
 * past the count); the caller settles it with succeeded() or cancel().
 */
export function createLoginThrottle(opts: { perAccount: number; perAddress: number; windowMs: number; now?: () => number }) {
  const now = opts.now ?? Date.now;
  const accounts = new Windows(opts.perAccount, opts.windowMs, now);
  const addresses = new Windows(opts.perAddress, opts.windowMs, now);
  const key = (account: string) => account.trim().toLowerCase();
  const check = (account: string, address: string): ThrottleVerdict => {
    const wait = Math.max(accounts.retryAfter(key(account)), addresses.retryAfter(address));
    return { allowed: wait === 0, retryAfterMs: wait };
  };
  return {
    check,
    /** Checks and, if allowed, counts the attempt as failed until told otherwise, in one step. */
    reserve(account: string, address: string): Reservation {
      const verdict = check(account, address);
      if (!verdict.allowed) return { ...verdict, succeeded() {}, cancel() {} };
      const k = key(account);
      const ta = accounts.hit(k);
      const tb = addresses.hit(address);
      let settled = false;
      return {
        ...verdict,
        succeeded() {
          if (settled) return;
          settled = true;
          accounts.clear(k);
          addresses.unhit(address, tb);
        },
        cancel() {
          if (settled) return;
          settled = true;
          accounts.unhit(k, ta);
          addresses.unhit(address, tb);
        },
      };
    },
    failed(account: string, address: string) {
      accounts.hit(key(account));
      addresses.hit(address);
    },
    succeeded(account: string) {
      accounts.clear(key(account));
    },
  };
}
export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
