// next-auth v4, configured per request: credentials against the users table (throttled), a
// server-side session row per sign-in whose id rides in the JWT (`sid`), secure cookies
// whenever the request came over TLS, redirects kept on our origin, and sign-out revoking the
// session row. The secret comes from the application context, never from process.env.
import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import type { AppContext } from "../context";
import { isSecureRequest, safeRedirectPath, type HeaderSource } from "../http/request-facts";
import { checkCredentials, loginSchema } from "./credentials";
import { HashingBusyError } from "./password";

/** Errors authorize() reports, as the `error` query parameter of the sign-in answer. */
export const SIGN_IN_ERRORS = { invalid: "CredentialsSignin", unavailable: "Unavailable" } as const;

export function authOptionsFor(app: AppContext, headers: HeaderSource, clientAddress: string): NextAuthOptions {
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
          const email = loginSchema.shape.email.safeParse(credentials?.email).data ?? "";
          let user;
          try {
            user = await checkCredentials(app.db, credentials);
          } catch (err) {
            // Never let a database error (host, port, SQL) reach the redirect URL.
            if (!(err instanceof HashingBusyError)) app.log.error({ err }, "sign-in failed");
            throw new Error(SIGN_IN_ERRORS.unavailable);
          }
          if (!user) {
            app.loginThrottle.failed(email, clientAddress);
            return null;
          }
          app.loginThrottle.succeeded(email);
          const session = await app.sessions.create(user.id);
          return { id: String(user.id), email: user.email, name: user.name, sid: session.id };
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
