// Every REST refusal has the one body the README promises: `{error, code, details?}`, `error` in
// words, `code` from the catalogue (lib/contract/codes.ts: CODES or REST_CODES) whose status is
// the answer's own, and nothing else. The walk drives the refusals of every route in the route
// table (lib/http/contracts) — no credential, a wrong role, a cross-site state change, `?token=`,
// a missing id, a body that is not valid, not JSON or not JSON at all — then the ones only some
// routes give: sign-in's own refusals, the throttles (429 with `details.retry_after_s`), the
// connection caps of the SSE streams (429, 503), conflicts, re-authentication, and the request
// guard's (405, 400, 413, 426). Not walked: POST /api/v1/commands' 429, which is a result
// (`{allowed: false, …, violation}`, README "REST API"), not an error.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CODES, REST_CODES, isRestCode } from "../../lib/contract/codes";
import { z } from "zod";
import type { RouteContract } from "../../lib/http/contract";
import { ROUTE_CONTRACTS } from "../../lib/http/contracts";
import { ADMIN, ANALYST, login } from "../support/http";
import { startServer, type TestServer } from "../support/server";

type Auth = { cookie: string } | { token: string } | null;
interface Answer {
  status: number;
  text: string;
  contentType: string | null;
}

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const catalogued = (code: string) =>
  Object.hasOwn(CODES, code) ? CODES[code as keyof typeof CODES] : REST_CODES[code as keyof typeof REST_CODES];

describe("REST errors", () => {
  let srv: TestServer;
  let admin: Auth, analyst: Auth;
  /** Every refusal checked, as `METHOD /path-template status code`. */
  const seen: string[] = [];
  /** The contracts (by `METHOD path`) at least one refusal was checked for. */
  const covered = new Set<string>();

  async function send(
    method: string,
    path: string,
    opts: { auth?: Auth; body?: string; type?: string; headers?: Record<string, string>; signal?: AbortSignal } = {},
  ): Promise<Answer & { res: Response }> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.auth && "cookie" in opts.auth) headers.cookie = opts.auth.cookie;
    if (opts.auth && "token" in opts.auth) headers.authorization = `Bearer ${opts.auth.token}`;
    // Same-origin like the browser's pages, unless a test says otherwise.
    if (MUTATING.has(method) && !("origin" in headers)) headers.origin = srv.url;
    if (opts.body !== undefined) headers["content-type"] = opts.type ?? "application/json";
    const res = await fetch(`${srv.url}${path}`, { method, headers, body: opts.body, redirect: "manual", signal: opts.signal });
    const streaming = res.headers.get("content-type")?.startsWith("text/event-stream");
    return { res, status: res.status, contentType: res.headers.get("content-type"), text: streaming ? "" : await res.text() };
  }

  /** Asserts the one error shape, a catalogued code matching the status (and `code` when given). */
  function assertRefusal(a: Answer, what: string, status: number, code?: string, template = what) {
    assert.equal(a.status, status, `${what}: ${a.status} ${a.text.slice(0, 200)}`);
    assert.match(a.contentType ?? "", /^application\/json/, `${what}: content-type`);
    const body = JSON.parse(a.text) as Record<string, unknown>;
    assert.deepEqual(
      Object.keys(body).filter((k) => k !== "error" && k !== "code" && k !== "details"),
      [],
      `${what}: only error, code, details (${a.text})`,
    );
    assert.equal(typeof body.error, "string", `${what}: error in words`);
    assert.ok((body.error as string).length > 0, `${what}: error in words`);
    assert.ok(isRestCode(body.code), `${what}: code ${String(body.code)} is catalogued (${a.text})`);
    assert.equal(catalogued(body.code as string).status, status, `${what}: ${String(body.code)} is a ${status} code`);
    if (code !== undefined) assert.equal(body.code, code, `${what} (${a.text})`);
    seen.push(`${template} ${status} ${String(body.code)}`);
    return body as { error: string; code: string; details?: unknown };
  }

  /** A contract's path with its parameters filled in. */
  const fill = (c: RouteContract, id = "1") => c.path.replace("{channel}", "dashboard").replace(/\{\w+\}/g, id);
  const key = (c: RouteContract) => `${c.method} ${c.path}`;
  const walked = ROUTE_CONTRACTS.filter((c) => c.access !== "public");

  async function signIn(email: string, password: string, withCsrf = true) {
    const csrf = await fetch(`${srv.url}/api/auth/csrf`);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const jar = csrf.headers.getSetCookie().map((c) => c.split(";")[0]!);
    const form = new URLSearchParams({ email, password, json: "true", ...(withCsrf ? { csrfToken } : {}) });
    return send("POST", "/api/auth/callback/credentials", {
      body: form.toString(),
      type: "application/x-www-form-urlencoded",
      headers: { cookie: jar.join("; ") },
    });
  }

  before(async () => {
    srv = await startServer({
      env: {
        MAX_BODY_BYTES: "65536",
        LOGIN_MAX_FAILURES_PER_ACCOUNT: "3",
        REFRESH_RATE_LIMIT: "1",
        REFRESH_RATE_WINDOW_MS: "600000",
        MAX_CONNECTIONS: "1",
        MAX_CONNECTIONS_PER_USER: "1",
      },
    });
    admin = { cookie: await login(srv.url, ADMIN) };
    analyst = { cookie: await login(srv.url, ANALYST) };
  });
  after(async () => {
    const code = await srv?.stop();
    assert.equal(code, 0, "server exits cleanly on SIGTERM");
  });

  it("answers every route's refusal without a credential with 401 and its code", async () => {
    for (const c of walked) {
      const path = fill(c);
      const a = await send(c.method, path, c.body ? { body: "{}" } : {});
      if (c.method === "HEAD") {
        assert.equal(a.status, 401, `${key(c)}: a HEAD has no body, the status says it`);
      } else {
        const body = assertRefusal(a, `${c.method} ${path}`, 401, "unauthorized", key(c));
        assert.ok(body.error.length > 0);
      }
      covered.add(key(c));
    }
  });

  it("refuses `?token=` where only the header is accepted, and a bad token where it is", async () => {
    for (const c of walked.filter((c) => !c.ownErrors && c.method !== "HEAD")) {
      const path = `${fill(c)}?token=rp_nothing`;
      assertRefusal(
        await send(c.method, path, { auth: admin }),
        `${c.method} ${path}`,
        401,
        c.queryToken ? "unauthorized" : "token_in_query",
        key(c),
      );
    }
    assertRefusal(
      await send("GET", "/api/v1/me", { auth: { token: "rp_not_a_token" } }),
      "GET /api/v1/me, unknown token",
      401,
      "unauthorized",
    );
  });

  it("refuses an analyst on every admin route with 403 forbidden", async () => {
    for (const c of walked.filter((c) => c.access === "admin" || c.access === "metrics")) {
      if (c.method === "HEAD") continue;
      const path = fill(c);
      assertRefusal(
        await send(c.method, path, { auth: analyst, ...(c.body ? { body: "{}" } : {}) }),
        `${c.method} ${path}`,
        403,
        "forbidden",
        key(c),
      );
    }
    // The one per-field role check inside a route: recording a command for someone else.
    const other = { body: JSON.stringify({ command_type: "export", user_id: 1 }) };
    assertRefusal(
      await send("POST", "/api/v1/commands", { auth: analyst, ...other }),
      "POST /api/v1/commands for another user",
      403,
      "forbidden",
    );
    // A channel for admins only, over polling.
    assertRefusal(await send("GET", "/api/v1/events/quotas", { auth: analyst }), "GET /api/v1/events/quotas", 403, "forbidden");
  });

  it("refuses a cookie's state change from another site with 403 cross_origin", async () => {
    for (const c of walked.filter((c) => MUTATING.has(c.method) && !c.ownErrors)) {
      const path = fill(c);
      const a = await send(c.method, path, {
        auth: admin,
        headers: { origin: "https://elsewhere.example" },
        ...(c.body ? { body: "{}" } : {}),
      });
      assertRefusal(a, `${c.method} ${path}`, 403, "cross_origin", key(c));
    }
  });

  /** A body the route's PATCH accepts, so the missing id is what it answers. */
  const validPatch = (path: string) =>
    path.includes("users")
      ? { name: "x" }
      : /alert-rules|webhooks/.test(path)
        ? { enabled: true }
        : path.endsWith("/reviews") || path.includes("/acceptances/")
          ? { note: "x" }
          : path.endsWith("/acceptances")
            ? { justification: "x", expires_at: new Date(Date.now() + 86_400_000).toISOString() }
            : { title: "x" };

  it("answers 404 not_found for ids that name nothing, unknown channels and the test endpoints", async () => {
    for (const c of walked.filter((c) => c.path.includes("{id}"))) {
      for (const id of ["0", "abc", "999999"]) {
        const path = fill(c, id);
        const a = await send(c.method, path, {
          auth: admin,
          ...(c.body ? { body: JSON.stringify(validPatch(c.path)) } : {}),
        });
        assertRefusal(a, `${c.method} ${path}`, 404, "not_found", key(c));
      }
    }
    assertRefusal(await send("GET", "/api/v1/events/nothing", { auth: admin }), "GET /api/v1/events/nothing", 404, "not_found");
    for (const c of walked.filter((c) => c.testOnly)) {
      assertRefusal(await send(c.method, c.path, { auth: admin, ...(c.body ? { body: "{}" } : {}) }), key(c), 404, "not_found");
    }
    assertRefusal(await send("GET", "/api/auth/_log"), "GET /api/auth/_log", 404, "not_found");
  });

  it("answers a body that is not valid with 400 invalid_input [{field, message}], not JSON with 400, not JSON at all with 415", async () => {
    for (const c of walked.filter((c) => c.body && !c.testOnly)) {
      const path = fill(c);
      const wrong = assertRefusal(
        await send(c.method, path, { auth: admin, body: '"a string"' }),
        `${c.method} ${path}`,
        400,
        "invalid_input",
        key(c),
      );
      assert.ok(Array.isArray(wrong.details) && wrong.details.length > 0, `${key(c)}: details`);
      for (const d of wrong.details as Array<Record<string, unknown>>) assert.deepEqual(Object.keys(d).sort(), ["field", "message"]);
      assertRefusal(await send(c.method, path, { auth: admin, body: "{not json" }), `${c.method} ${path}`, 400, "invalid_json", key(c));
      assertRefusal(
        await send(c.method, path, { auth: admin, body: "title=x", type: "application/x-www-form-urlencoded" }),
        `${c.method} ${path}`,
        415,
        "unsupported_media_type",
        key(c),
      );
    }
  });

  it("answers a query that is not valid with 400, a page too deep with page_too_deep, a bad cursor with bad_request", async () => {
    const isPaged = (q: unknown) => q instanceof z.ZodObject && "page" in q.shape;
    const paged = walked.filter((c) => c.method === "GET" && (isPaged(c.query) || c.path.startsWith("/api/v1/events")));
    assert.ok(paged.length >= 7, paged.map(key).join(", "));
    for (const c of paged) {
      const path = fill(c);
      if (c.path.startsWith("/api/v1/events")) {
        assertRefusal(
          await send("GET", `${path}?since=${"x".repeat(65)}`, { auth: admin }),
          `GET ${path}?since=…`,
          400,
          "bad_request",
          key(c),
        );
        continue;
      }
      const bad = assertRefusal(await send("GET", `${path}?page=0`, { auth: admin }), `GET ${path}?page=0`, 400, "invalid_input", key(c));
      assert.ok(Array.isArray(bad.details));
      assertRefusal(
        await send("GET", `${path}?page=100000&page_size=200`, { auth: admin }),
        `GET ${path}?page=100000`,
        400,
        "page_too_deep",
        key(c),
      );
    }
    const sse = ROUTE_CONTRACTS.find((c) => c.path === "/api/v1/sse/dashboard" && c.method === "GET")!;
    const a = await send("GET", sse.path, { auth: admin, headers: { "last-event-id": "x".repeat(65) } });
    assertRefusal(a, "GET /api/v1/sse/dashboard, Last-Event-ID too long", 400, "bad_request", key(sse));
  });

  it("answers re-authentication and conflicts with their own codes", async () => {
    const created = await send("POST", "/api/v1/tokens", { auth: admin, body: JSON.stringify({ name: "walker" }) });
    assert.equal(created.status, 201, created.text);
    const token: Auth = { token: (JSON.parse(created.text) as { token: string }).token };
    assertRefusal(
      await send("POST", "/api/v1/tokens", { auth: token, body: JSON.stringify({ name: "x" }) }),
      "POST /api/v1/tokens with a token",
      403,
      "session_required",
    );
    const target = "/api/v1/users/2";
    assertRefusal(
      await send("PATCH", target, { auth: token, body: JSON.stringify({ role: "admin" }) }),
      `PATCH ${target} with a token`,
      403,
      "session_required",
    );
    assertRefusal(
      await send("PATCH", target, { auth: admin, body: JSON.stringify({ role: "admin" }) }),
      `PATCH ${target}`,
      403,
      "current_password_required",
    );
    const wrong = JSON.stringify({ role: "admin", current_password: "not-the-password" });
    assertRefusal(
      await send("PATCH", target, { auth: admin, body: wrong }),
      `PATCH ${target}, wrong password`,
      403,
      "current_password_wrong",
    );
    const dup = { email: ANALYST.email, name: "Twin", password: "a-long-enough-secret-42" };
    const conflict = assertRefusal(
      await send("POST", "/api/v1/users", { auth: admin, body: JSON.stringify(dup) }),
      "POST /api/v1/users, e-mail taken",
      409,
      "conflict",
    );
    assert.ok(Array.isArray(conflict.details));
  });

  it("answers sign-in's refusals: 401 wrong_credentials, 403 form_expired, 400/411/413/415, 429 with retry_after_s", async () => {
    assertRefusal(await signIn(ANALYST.email, "wrong", false), "sign-in without its CSRF token", 403, "form_expired");
    const form = { type: "application/x-www-form-urlencoded" };
    const path = "/api/auth/callback/credentials";
    assertRefusal(await send("POST", path, { ...form, body: "email=a&email=b" }), "sign-in, a field twice", 400, "invalid_input");
    assertRefusal(await send("POST", path, { body: JSON.stringify({ email: "a" }) }), "sign-in as JSON", 415, "unsupported_media_type");
    assertRefusal(await send("POST", path, { ...form, body: `email=${"a".repeat(9000)}` }), "sign-in, too large", 413, "payload_too_large");
    // Node's fetch always sends a length; a raw request without one (and without a chunked body) has none.
    const bare = await rawRequest(
      `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n\r\n`,
    );
    assertRefusal(bare, "sign-in without Content-Length", 411, "length_required");
    const who = "walker-nobody@riskpulse.local";
    for (let i = 0; i < 3; i++) assertRefusal(await signIn(who, "wrong password"), `sign-in failure ${i + 1}`, 401, "wrong_credentials");
    const throttled = await signIn(who, "wrong password");
    const body = assertRefusal(throttled, "sign-in past the limit", 429, "rate_limited");
    const retry = (body.details as { retry_after_s?: unknown } | undefined)?.retry_after_s;
    assert.equal(typeof retry, "number");
    assert.equal(throttled.res.headers.get("retry-after"), String(retry));
    covered.add("POST /api/auth/callback/credentials");
  });

  it("answers the other throttles with 429 rate_limited: a refresh over REST, a password change", async () => {
    assert.equal((await send("GET", "/api/v1/dashboard?refresh=1", { auth: analyst })).status, 200);
    const refresh = await send("GET", "/api/v1/dashboard?refresh=1", { auth: analyst });
    assertRefusal(refresh, "GET /api/v1/dashboard?refresh=1, again", 429, "rate_limited", "GET /api/v1/dashboard");
    assert.ok(Number(refresh.res.headers.get("retry-after")) >= 1);
    // The current password of a change counts like a sign-in (same account): the analyst's, last.
    const change = JSON.stringify({ current_password: "not-it", new_password: "another-long-secret-42" });
    for (let i = 0; i < 3; i++) {
      const a = await send("POST", "/api/v1/me/password", { auth: analyst, body: change });
      assertRefusal(a, `POST /api/v1/me/password, wrong ${i + 1}`, 400, "invalid_input");
    }
    const limited = assertRefusal(
      await send("POST", "/api/v1/me/password", { auth: analyst, body: change }),
      "POST /api/v1/me/password, past the limit",
      429,
      "rate_limited",
    );
    assert.equal(typeof (limited.details as { retry_after_s?: unknown }).retry_after_s, "number");
  });

  it("answers the SSE streams' caps: 503 capacity for the channel, 429 user_connection_limit for the user", async () => {
    const held = new AbortController();
    try {
      const first = await send("GET", "/api/v1/sse/dashboard", { auth: admin, signal: held.signal });
      assert.equal(first.status, 200);
      assertRefusal(
        await send("GET", "/api/v1/sse/dashboard", { auth: analyst }),
        "GET /api/v1/sse/dashboard, channel full",
        503,
        "capacity",
      );
      const a = await send("GET", "/api/v1/sse/admin/quotas", { auth: admin });
      assertRefusal(a, "GET /api/v1/sse/admin/quotas, the user's cap", 429, "user_connection_limit");
    } finally {
      held.abort();
    }
  });

  it("answers the request guard's refusals in the same shape: 405, 400 bad_path, 413, 426", async () => {
    assertRefusal(
      await rawRequest("TRACE /api/v1/me HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
      "TRACE /api/v1/me",
      405,
      "method_not_allowed",
    );
    assertRefusal(await rawRequest("GET /api/v1/%ff HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), "GET /api/v1/%ff", 400, "bad_path");
    const big = JSON.stringify({ title: "x".repeat(70_000) });
    assertRefusal(await send("POST", "/api/v1/risks", { auth: admin, body: big }), "POST /api/v1/risks, 70 kB", 413, "payload_too_large");
    assertRefusal(
      await send("GET", "/api/v1/ws/dashboard", { auth: admin }),
      "GET /api/v1/ws/dashboard without Upgrade",
      426,
      "upgrade_required",
    );
  });

  it("walked every route of the table, and every kind of refusal", () => {
    const missing = walked.map(key).filter((k) => !covered.has(k));
    assert.deepEqual(missing, [], "routes without a checked refusal");
    const statuses = new Set(seen.map((s) => Number(s.split(" ").at(-2))));
    for (const s of [400, 401, 403, 404, 405, 409, 411, 413, 415, 426, 429, 503]) assert.ok(statuses.has(s), `no ${s} was walked`);
    assert.ok(seen.length > 150, `${seen.length} refusals checked`);
  });

  /** One raw HTTP/1.1 exchange (for what fetch will not send: no Content-Length, bad percent-encoding). */
  async function rawRequest(head: string): Promise<Answer> {
    const net = await import("node:net");
    const { port, hostname } = new URL(srv.url);
    const raw = await new Promise<string>((resolve, reject) => {
      const s = net.connect(Number(port), hostname, () => s.end(head));
      let out = "";
      s.on("data", (d) => (out += d));
      s.on("end", () => resolve(out));
      s.on("error", reject);
    });
    const [headPart, ...rest] = raw.split("\r\n\r\n");
    const lines = headPart!.split("\r\n");
    const status = Number(lines[0]!.split(" ")[1]);
    const contentType =
      lines
        .find((l) => /^content-type:/i.test(l))
        ?.split(":")[1]
        ?.trim() ?? null;
    let text = rest.join("\r\n\r\n");
    if (lines.some((l) => /^transfer-encoding:\s*chunked/i.test(l))) text = dechunk(text);
    return { status, contentType, text };
  }
});

function dechunk(s: string): string {
  let out = "";
  for (let i = 0; i < s.length;) {
    const nl = s.indexOf("\r\n", i);
    const n = parseInt(s.slice(i, nl), 16);
    if (!n) break;
    out += s.slice(nl + 2, nl + 2 + n);
    i = nl + 2 + n + 2;
  }
  return out;
}
