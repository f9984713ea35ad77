// Health, readiness, metrics, the API documents themselves, and sign-in (next-auth's endpoints).
import { z } from "zod";
import type { RouteContract } from "../contract";

export const SYSTEM = {
  health: {
    method: "GET",
    path: "/api/health",
    tag: "operations",
    access: "public",
    summary: "Liveness",
    description: "No database involved: a database outage must not get a healthy process restarted.",
    ownErrors: true,
    replies: { 200: { description: "the process runs", body: "Health" } },
  },
  ready: {
    method: "GET",
    path: "/api/ready",
    tag: "operations",
    access: "public",
    summary: "Readiness",
    description: "Whether this instance should get traffic: its database (and Redis, in cluster mode) answer and it is not draining.",
    ownErrors: true,
    replies: {
      200: { description: "ready", body: "Ready" },
      503: { description: "starting, draining, or without its database", body: "Ready", headers: { "retry-after": "seconds" } },
    },
  },
  metrics: {
    method: "GET",
    path: "/api/metrics",
    tag: "operations",
    access: "metrics",
    summary: "Prometheus metrics",
    description: 'This instance\'s metrics in the text exposition format (README "Monitoring").',
    ownErrors: true,
    replies: {
      200: { description: "the metrics", content: "text/plain" },
      401: { description: "neither METRICS_TOKEN nor a session", body: "Error" },
      403: { description: "signed in, but not an admin", body: "Error" },
    },
  },
  openapi: {
    method: "GET",
    path: "/api/openapi.json",
    tag: "documents",
    access: "public",
    summary: "This document (OpenAPI 3.1)",
    ownErrors: true,
    replies: { 200: { description: "the OpenAPI document", body: "Document" } },
  },
  asyncapi: {
    method: "GET",
    path: "/api/asyncapi.json",
    tag: "documents",
    access: "public",
    summary: "The real-time protocol (AsyncAPI 3)",
    ownErrors: true,
    replies: { 200: { description: "the AsyncAPI document", body: "Document" } },
  },
} as const satisfies Record<string, RouteContract>;

// next-auth validates these itself; described here from its documented form fields.
const csrfToken = z.string().describe("from GET /api/auth/csrf (with the cookie it sets)");
const signInForm = z.object({
  csrfToken,
  email: z.string(),
  password: z.string(),
  json: z.literal("true").optional().describe("`true`: answer `{url}` instead of redirecting"),
  callbackUrl: z.string().optional().describe("where to go after signing in (kept on this site)"),
});
const signOutForm = z.object({ csrfToken, json: z.literal("true").optional(), callbackUrl: z.string().optional() });
const auth = { tag: "sign-in", access: "public", ownErrors: true } as const;

/** The paths the catch-all app/api/auth/[...nextauth] serves for API clients. */
export const AUTH = [
  {
    ...auth,
    method: "GET",
    path: "/api/auth/csrf",
    summary: "A CSRF token for the sign-in and sign-out forms",
    replies: { 200: { description: "the token (and its cookie)", body: "AuthCsrf" } },
  },
  {
    ...auth,
    method: "GET",
    path: "/api/auth/session",
    summary: "The session the cookie names",
    replies: { 200: { description: "the session, or `{}`", body: "AuthSession" } },
  },
  {
    ...auth,
    method: "GET",
    path: "/api/auth/providers",
    summary: "The sign-in providers",
    replies: { 200: { description: "the providers", body: "AuthProviders" } },
  },
  {
    ...auth,
    method: "POST",
    path: "/api/auth/callback/credentials",
    summary: "Sign in with e-mail and password",
    description:
      'One form-encoded body, each field once. Sets the session cookie. Throttled per account and per client address (README "Security").',
    body: signInForm,
    form: true,
    replies: {
      200: { description: "signed in (`json=true`)", body: "AuthSignIn" },
      302: { description: "signed in: a redirect to `callbackUrl`" },
      400: { description: "a field given more than once", body: "Error" },
      401: { description: "wrong e-mail or password", body: "Error" },
      403: { description: "the form's CSRF token has expired", body: "Error" },
      411: { description: "no Content-Length", body: "Error" },
      413: { description: "the body is too large", body: "Error" },
      415: { description: "not a form", body: "Error" },
      429: { description: "too many failed attempts", body: "Error", headers: { "retry-after": "seconds" } },
      503: { description: "sign-in is busy or unavailable", body: "Error", headers: { "retry-after": "seconds" } },
    },
  },
  {
    ...auth,
    method: "POST",
    path: "/api/auth/signout",
    summary: "Sign out",
    description: "Ends the session server-side (and its live connections).",
    body: signOutForm,
    form: true,
    replies: { 200: { description: "signed out (`json=true`)", body: "AuthSignIn" }, 302: { description: "signed out: a redirect" } },
  },
] as const satisfies readonly RouteContract[];
