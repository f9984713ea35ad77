// next-auth's endpoints, with options made per request (secure cookies over TLS, the client's
// address for throttling). Sign-in (POST callback/credentials) is throttled before next-auth
// sees it: past the limit it answers 429 with Retry-After; a database outage answers 503.
import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { authOptionsFor, SIGN_IN_ERRORS } from "@/lib/auth/next-auth";
import { getContext } from "@/lib/context";
import { json } from "@/lib/http/errors";
import { clientAddress } from "@/lib/http/request-facts";

type Ctx = { params: Promise<{ nextauth: string[] }> };

async function handler(req: NextRequest, ctx: Ctx): Promise<Response> {
  const app = getContext();
  const address = clientAddress(req.headers, req.headers.get("x-riskpulse-peer") ?? undefined, app.config.TRUST_PROXY);
  const { nextauth } = await ctx.params;
  const signIn = req.method === "POST" && nextauth[0] === "callback" && nextauth[1] === "credentials";
  if (signIn) {
    if (!req.headers.get("content-length")) return json({ error: "Content-Length required" }, 411);
    const form = await req
      .clone()
      .formData()
      .catch(() => null);
    const email = String(form?.get("email") ?? "");
    const verdict = app.loginThrottle.check(email, address);
    if (!verdict.allowed) {
      app.metrics.loginFailures.inc({ reason: "throttled" });
      const s = Math.ceil(verdict.retryAfterMs / 1000);
      return json({ error: `too many failed sign-in attempts; try again in ${s} s`, retry_after_s: s }, 429, { "retry-after": String(s) });
    }
  }
  const res: Response = await NextAuth(req, ctx, authOptionsFor(app, req.headers, address));
  if (!signIn || res.ok) return res;
  // next-auth answers a failed sign-in with the error in a URL; give the form a clear status.
  const body = (await res
    .clone()
    .json()
    .catch(() => null)) as { url?: string } | null;
  const error = body?.url ? new URL(body.url, app.config.publicUrl).searchParams.get("error") : null;
  if (error === SIGN_IN_ERRORS.unavailable)
    return json({ error: "sign-in is unavailable right now; try again shortly" }, 503, { "retry-after": "5" });
  app.metrics.loginFailures.inc({ reason: "invalid" });
  return json({ error: "wrong e-mail or password" }, 401);
}

export { handler as GET, handler as POST };
