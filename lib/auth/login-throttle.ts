// Sign-in throttling: failed attempts are counted per account (the e-mail tried) and per client
// address over a sliding window; past either limit, sign-in answers 429 with Retry-After until
// the oldest failure leaves the window. A success clears the account's count. The address limit
// is higher (offices share one address) and catches one client trying many accounts.
import { SlidingWindows } from "../rate-limit/sliding-windows";

export interface ThrottleVerdict {
  allowed: boolean;
  retryAfterMs: number;
}

export function createLoginThrottle(opts: { perAccount: number; perAddress: number; windowMs: number; now?: () => number }) {
  const accounts = new SlidingWindows(opts.perAccount, opts.windowMs, opts.now);
  const addresses = new SlidingWindows(opts.perAddress, opts.windowMs, opts.now);
  const key = (email: string) => email.trim().toLowerCase();
  return {
    check(email: string, address: string): ThrottleVerdict {
      const wait = Math.max(accounts.retryAfter(key(email)), addresses.retryAfter(address));
      return { allowed: wait === 0, retryAfterMs: wait };
    },
    failed(email: string, address: string) {
      accounts.hit(key(email));
      addresses.hit(address);
    },
    succeeded(email: string) {
      accounts.clear(key(email));
    },
  };
}
export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
