// Signs in through next-auth exactly as the browser does, and calls the API as that user. With
// RISKPULSE_HTTP_RECORD=<folder> every answer is also appended to <folder>/<pid>.jsonl (one line
// each; one file per test process, as files run side by side), for the contract check that
// validates them against the OpenAPI document (test/contract/).
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
export const ADMIN = { email: "admin@riskpulse.local", password: "riskpulse-admin" };
export const ANALYST = { email: "analyst@riskpulse.local", password: "riskpulse-analyst" };

const RECORD = process.env.RISKPULSE_HTTP_RECORD;

/** One answer, as the contract check reads it back (test/contract/recorded-responses.test.ts). */
export interface RecordedResponse {
  method: string;
  path: string;
  status: number;
  contentType: string | null;
  body: string;
}

function record(method: string, url: string, res: Response, body: string) {
  if (!RECORD) return;
  const entry: RecordedResponse = {
    method,
    path: new URL(url).pathname,
    status: res.status,
    contentType: res.headers.get("content-type"),
    body,
  };
  fs.mkdirSync(RECORD, { recursive: true });
  fs.appendFileSync(path.join(RECORD, `${process.pid}.jsonl`), `${JSON.stringify(entry)}\n`);
}

function cookiesOf(res: Response): string[] {
  return res.headers.getSetCookie().map((c) => c.split(";")[0]!);
}

/** Returns the Cookie header of a signed-in session. */
export async function login(base: string, who: { email: string; password: string }): Promise<string> {
  const csrfRes = await fetch(`${base}/api/auth/csrf`);
  const csrfText = await csrfRes.text();
  record("GET", csrfRes.url, csrfRes, csrfText);
  const { csrfToken } = JSON.parse(csrfText) as { csrfToken: string };
  const jar = cookiesOf(csrfRes);
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.join("; ") },
    body: new URLSearchParams({ csrfToken, email: who.email, password: who.password, json: "true" }),
  });
  record("POST", res.url, res, await res.clone().text());
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
  record(method, res.url, res, text);
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
