// Everyone's own password: the current one is required. Every other session of the user ends;
// the one making the change stays signed in. Checking the current password is a password check
// like sign-in: throttled per account and per client address on the same counts (429 with
// Retry-After past them, a slot reserved before the hash runs), and answered 503 with
// Retry-After when the hashing pool is busy.
import { isHashingBusy, withHashClaim } from "@/lib/hashing/password";
import { passwordChangeSchema } from "@/lib/domain/users";
import { HttpError } from "@/lib/http/errors";
import { addressKey, clientAddress } from "@/lib/http/request-facts";
import { body, route } from "@/lib/http/route";
import { ACCOUNT } from "@/lib/http/contracts";

/** The domain's answer to a wrong current password (a validation error on that field). */
function wrongCurrent(err: unknown): boolean {
  const details = (err as { status?: number; details?: unknown }).details;
  return (
    (err as { status?: number }).status === 400 &&
    Array.isArray(details) &&
    details.some((d) => (d as { field?: string }).field === "current_password")
  );
}

export const POST = route(ACCOUNT.password, async ({ req, app, principal }) => {
  const input = await body(req, passwordChangeSchema);
  const address = addressKey(clientAddress(req.headers, req.headers.get("x-riskpulse-peer") ?? undefined, app.config.TRUST_PROXY));
  const slot = app.loginThrottle.reserve(principal.email, address);
  if (!slot.allowed) {
    const s = Math.max(1, Math.ceil(slot.retryAfterMs / 1000));
    throw new HttpError(
      429,
      `too many wrong passwords; try again in ${s} s`,
      { retry_after_s: s },
      { "retry-after": String(s) },
      "rate_limited",
    );
  }
  try {
    await withHashClaim({ purpose: "account", keys: [`addr:${address}`, `user:${principal.userId}`] }, () =>
      app.users.changeOwnPassword(principal.userId, input.current_password, input.new_password, principal.sessionId),
    );
  } catch (err) {
    if (isHashingBusy(err)) {
      // Counted, like a busy sign-in: flooding the pool spends the caller's attempts.
      throw new HttpError(
        503,
        "password checks are busy right now; try again shortly",
        { retry_after_s: err.retryAfterS },
        { "retry-after": String(err.retryAfterS) },
        "unavailable",
      );
    }
    if (wrongCurrent(err)) throw err; // counted
    // The current password was right (the new one is refused), or it was never checked.
    if ((err as { status?: number }).status === 400) slot.succeeded();
    else slot.cancel();
    throw err;
  }
  slot.succeeded();
});
