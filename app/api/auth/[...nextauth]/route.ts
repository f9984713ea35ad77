// next-auth's endpoints, with options made per request (secure cookies over TLS, the client's
// address for throttling). Sign-in (POST callback/credentials) takes one form-encoded body with
// each field once (JSON and repeated fields are refused, so nothing but next-auth ever reads what
// is checked); it is throttled inside the credential check itself (lib/auth/next-auth.ts) and
// answered with a clear status: 401 wrong, 429 throttled, 503 busy or unavailable (both with
// Retry-After). `_log` (next-auth's client-side log relay) is not served: anyone could write to
// our logs with it.
import NextAuth from "next-auth";
import { NextRequest } from "next/server";
import { authOptionsFor, type SignInOutcome } from "@/lib/http/next-auth";
import { getContext } from "@/lib/context";
import { errorJson } from "@/lib/http/errors";
import { addressKey, clientAddress } from "@/lib/http/request-facts";
import { contracted } from "@/lib/http/contract";
import { AUTH } from "@/lib/http/contracts";

type Ctx = { params: Promise<{ nextauth: string[] }> };

/** A sign-in form is a few short fields. */
const MAX_SIGN_IN_BYTES = 8 * 1024;

const tooLarge = () => errorJson(413, `sign-in body too large: at most ${MAX_SIGN_IN_BYTES} bytes`, { code: "payload_too_large" });

/** The sign-in body, rebuilt from one strict parse; or the answer refusing it. */
async function canonicalSignIn(req: NextRequest): Promise<NextRequest | Response> {
  const length = req.headers.get("content-length");
  if (!length) return errorJson(411, "Content-Length required", { code: "length_required" });
  if (Number(length) > MAX_SIGN_IN_BYTES) return tooLarge();
  if (!req.headers.get("content-type")?.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    return errorJson(415, "content-type must be application/x-www-form-urlencoded", { code: "unsupported_media_type" });
  }
  const text = await req.text();
  if (Buffer.byteLength(text) > MAX_SIGN_IN_BYTES) return tooLarge();
  const fields = new URLSearchParams(text);
  const seen = new Set<string>();
  for (const k of fields.keys()) {
    if (seen.has(k)) return errorJson(400, `field ${k.slice(0, 40)} given more than once`, { code: "invalid_input" });
    seen.add(k);
  }
  const headers = new Headers(req.headers);
  headers.delete("content-length");
  return new NextRequest(req.url, { method: "POST", headers, body: fields.toString() });
}

const retry = (s: number | undefined) => ({ "retry-after": String(Math.max(1, s ?? 5)) });

async function handler(req: NextRequest, ctx: Ctx): Promise<Response> {
  const app = getContext();
  const { nextauth } = await ctx.params;
  if (nextauth[0] === "_log") return errorJson(404, "not found", { code: "not_found" });
  const address = addressKey(clientAddress(req.headers, req.headers.get("x-riskpulse-peer") ?? undefined, app.config.TRUST_PROXY));
  const signIn = req.method === "POST" && nextauth[0] === "callback" && nextauth[1] === "credentials";
  let request = req;
  if (signIn) {
    const canonical = await canonicalSignIn(req);
    if (canonical instanceof Response) return canonical;
    request = canonical;
  }
  const outcome: SignInOutcome = {};
  const res: Response = await NextAuth(request, ctx, authOptionsFor(app, req.headers, address, outcome));
  if (!signIn) return res;
  switch (outcome.result) {
    case "ok":
      return res; // `{url}` for json=true, else the redirect itself
    case "invalid":
      return errorJson(401, "wrong e-mail or password", { code: "wrong_credentials" });
    case "throttled": {
      const s = outcome.retryAfterS ?? 60;
      return errorJson(429, `too many failed sign-in attempts; try again in ${s} s`, {
        code: "rate_limited",
        details: { retry_after_s: s },
        headers: retry(s),
      });
    }
    case "busy":
      return errorJson(503, "sign-in is busy right now; try again shortly", {
        code: "unavailable",
        details: { retry_after_s: outcome.retryAfterS },
        headers: retry(outcome.retryAfterS),
      });
    case "unavailable":
      return errorJson(503, "sign-in is unavailable right now; try again shortly", {
        code: "unavailable",
        headers: retry(outcome.retryAfterS),
      });
    default:
      // The credentials were never looked at: next-auth refused the form (its CSRF token).
      return errorJson(403, "the sign-in form has expired; reload the page", { code: "form_expired" });
  }
}

export const GET = contracted(
  AUTH.filter((c) => c.method === "GET"),
  (req: NextRequest, ctx: Ctx) => handler(req, ctx),
);
export const POST = contracted(
  AUTH.filter((c) => c.method === "POST"),
  (req: NextRequest, ctx: Ctx) => handler(req, ctx),
);
