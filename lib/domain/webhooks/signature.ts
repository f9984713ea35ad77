// The signature every webhook delivery carries, Stripe-style:
//   RiskPulse-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the webhook's secret>
// A receiver recomputes it over the raw body it got, compares in constant time, and refuses a
// `t` too far from its clock (replays); the RiskPulse-Delivery id lets it drop duplicates.
import crypto from "node:crypto";

export const SIGNATURE_HEADER = "riskpulse-signature";

export function sign(secret: string, body: string, unixSeconds: number): string {
  const mac = crypto.createHmac("sha256", secret).update(`${unixSeconds}.${body}`).digest("hex");
  return `t=${unixSeconds},v1=${mac}`;
}

/** Whether `header` is a valid signature of `body` made within `toleranceS` of `nowS`. */
export function verify(secret: string, body: string, header: string, nowS: number, toleranceS = 300): boolean {
  const parts = Object.fromEntries(header.split(",").map((p) => p.split("=", 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1 || Math.abs(nowS - t) > toleranceS) return false;
  const want = Buffer.from(sign(secret, body, t).split("v1=")[1]!, "hex");
  const got = Buffer.from(parts.v1, "hex");
  return got.length === want.length && crypto.timingSafeEqual(got, want);
}

/** A new webhook secret: 32 random bytes, shown to the admin once. */
export const newSecret = () => `whsec_${crypto.randomBytes(32).toString("base64url")}`;
