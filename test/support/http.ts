// Signs in through next-auth exactly as the browser does, and calls the API as that user.
import assert from "node:assert/strict";
export const ADMIN = { email: "admin@riskpulse.local", password: "riskpulse-admin" };
export const ANALYST = { email: "analyst@riskpulse.local", password: "riskpulse-analyst" };

function cookiesOf(res: Response): string[] {
  return res.headers.getSetCookie().map((c) => c.split(";")[0]!);
}

/** Returns the Cookie header of a signed-in session. */
export async function login(base: string, who: { email: string; password: string }): Promise<string> {
  const csrfRes = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const jar = cookiesOf(csrfRes);
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.join("; ") },
    body: new URLSearchParams({ csrfToken, email: who.email, password: who.password, json: "true" }),
  });
  const session = cookiesOf(res).find((c) => c.startsWith("next-auth.session-token="));
  if (!session) throw new Error(`login failed for ${who.email}: HTTP ${res.status}`);
  return session;
}

export type Auth = { cookie: string } | { token: string } | null;

export async function call(base: string, auth: Auth, method: string, path: string, body?: unknown) {
  const headers: Record<string, string> = {};
  if (auth && "cookie" in auth) headers.cookie = auth.cookie;
  if (auth && "token" in auth) headers.authorization = `Bearer ${auth.token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.status, body: json, headers: res.headers };
}

/** Signs a cookie session out the way the browser does (CSRF token, form post). */
export async function signOut(base: string, cookie: string) {
  const csrf = await fetch(`${base}/api/auth/csrf`, { headers: { cookie } });
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const csrfCookie = csrf.headers.getSetCookie().map((c) => c.split(";")[0]!);
  const res = await fetch(`${base}/api/auth/signout`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: [cookie, ...csrfCookie].join("; ") },
    body: new URLSearchParams({ csrfToken, json: "true" }),
  });
  assert.ok(res.status < 400, `sign-out answered ${res.status}`);
}
