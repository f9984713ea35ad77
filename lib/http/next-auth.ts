// next-auth v4, configured per request: credentials against the users table (throttled), a
// server-side session row per sign-in whose id rides in the JWT (`sid`), secure cookies
// whenever the request came over TLS, redirects kept on our origin, and sign-out revoking the
// session row. The secret comes from the application context, never from process.env.
import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import type { AppContext } from "../context";
import { isSecureRequest, safeRedirectPath, type HeaderSource } from "./request-facts";
import { checkCredentials, loginSchema } from "../auth/credentials";
import { isDbUnavailable, RETRY_AFTER_S } from "./errors";
import { isHashingBusy, withHashClaim } from "../hashing/password";

/** Errors authorize() reports, as the `error` query parameter of the sign-in answer. */
export const SIGN_IN_ERRORS = { invalid: "CredentialsSignin", unavailable: "Unavailable", throttled: "Throttled" } as const;

/** What authorize() decided, for the route to answer with a clear status (next-auth says only 401). */
export interface SignInOutcome {
  result?: "ok" | "invalid" | "throttled" | "busy" | "unavailable";
  retryAfterS?: number;
}

/**
 * `address` is the client's throttling key (request-facts' addressKey). Sign-in is throttled
 * here, in authorize(), on the very e-mail next-auth parsed and checks, never on a separate read
 * of the body: a slot is reserved (checked and counted at once) before the hash runs.
 */
export function authOptionsFor(app: AppContext, headers: HeaderSource, address: string, outcome: SignInOutcome = {}): NextAuthOptions {
  const { config } = app;
  return {
    secret: app.secret,
    useSecureCookies: isSecureRequest(headers, config.TRUST_PROXY) || config.publicUrl.startsWith("https://"),
    session: { strategy: "jwt", maxAge: config.SESSION_MAX_AGE_S },
    jwt: { maxAge: config.SESSION_MAX_AGE_S },
    pages: { signIn: "/login", error: "/login" },
    logger: {
      error: (code, meta) => app.log.warn({ code, meta: meta instanceof Error ? meta.message : undefined }, "next-auth"),
      warn: (code) => app.log.debug({ code }, "next-auth"),
      debug: () => {},
    },
    providers: [
      CredentialsProvider({
        name: "Email",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials) {
          const raw = typeof credentials?.email === "string" ? credentials.email : "";
          const email = loginSchema.shape.email.safeParse(raw).data ?? raw.trim().toLowerCase().slice(0, 200);
          const slot = app.loginThrottle.reserve(email, address);
          if (!slot.allowed) {
            app.metrics.loginFailures.inc({ reason: "throttled" });
            Object.assign(outcome, { result: "throttled", retryAfterS: Math.max(1, Math.ceil(slot.retryAfterMs / 1000)) });
            throw new Error(SIGN_IN_ERRORS.throttled);
          }
          let user;
          try {
            user = await withHashClaim({ purpose: "sign-in", keys: [`addr:${address}`, `acct:${email}`] }, () =>
              checkCredentials(app.db, credentials),
            );
          } catch (err) {
            if (isHashingBusy(err)) {
              // Counted: a client that floods the pool spends its attempts doing so.
              app.metrics.loginFailures.inc({ reason: "busy" });
              Object.assign(outcome, { result: "busy", retryAfterS: err.retryAfterS });
              throw new Error(SIGN_IN_ERRORS.unavailable);
            }
            slot.cancel();
            // Never let a database error (host, port, SQL) reach the redirect URL.
            if (isDbUnavailable(err)) app.log.warn({ err: (err as Error).message }, "sign-in: database unavailable");
            else app.log.error({ err }, "sign-in failed");
            Object.assign(outcome, { result: "unavailable", retryAfterS: RETRY_AFTER_S });
            throw new Error(SIGN_IN_ERRORS.unavailable);
          }
          if (!user) {
            app.metrics.loginFailures.inc({ reason: "invalid" });
            outcome.result = "invalid";
            return null;
          }
          slot.succeeded();
          try {
            const session = await app.sessions.create(user.id);
            outcome.result = "ok";
            return { id: String(user.id), email: user.email, name: user.name, sid: session.id };
          } catch (err) {
            app.log.warn({ err: (err as Error).message }, "sign-in: could not create the session");
            Object.assign(outcome, { result: "unavailable", retryAfterS: RETRY_AFTER_S });
            throw new Error(SIGN_IN_ERRORS.unavailable);
          }
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) {
          token.uid = Number(user.id);
          token.sid = (user as { sid?: string }).sid;
        }
        return token;
      },
      session({ session, token }) {
        session.user = { id: token.uid!, name: token.name ?? "", email: token.email ?? "" };
        return session;
      },
      redirect({ url, baseUrl }) {
        return new URL(safeRedirectPath(url, baseUrl), baseUrl).toString();
      },
    },
    events: {
      async signOut({ token }) {
        if (typeof token?.sid === "string") await app.sessions.revoke(token.sid);
      },
    },
  };
}
