// Sign-in and password checks against attack, through the running server: the throttle counts
// what is actually checked (no JSON or repeated-field bypass, no X-Forwarded-For rotation behind
// one or two proxies, IPv6 counted per /64), parallel guesses past the limit are refused before
// any hash, busy hashing answers 503 (never 500) and counts, a flood from one client cannot make
// another's right password fail, redirects after sign-in and sign-out stay on the site, and the
// shipped nginx config in front passes on no client-chosen address and rate-limits sign-in.
import assert from "node:assert/strict";
import fs from "node:fs";
import https from "node:https";
import { after, before, describe, it } from "node:test";
import { startNginx, type TestNginx } from "../support/nginx";
import { startServer, type TestServer } from "../support/server";
import { ADMIN, call, login } from "../support/http";

const cookiesOf = (res: Response) => res.headers.getSetCookie().map((c) => c.split(";")[0]!);
const signedIn = (res: Response) => cookiesOf(res).some((c) => /next-auth\.session-token=./.test(c));

/** One CSRF token and its cookie: next-auth accepts the pair for any number of posts. */
async function csrf(base: string, cookie?: string) {
  const res = await fetch(`${base}/api/auth/csrf`, { headers: cookie ? { cookie } : {} });
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { csrfToken, cookie: [...(cookie ? [cookie] : []), ...cookiesOf(res)].join("; ") };
}

type Form = { csrfToken: string; cookie: string };
function signIn(base: string, form: Form, body: string, headers: Record<string, string> = {}) {
  return fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: form.cookie, ...headers },
    body,
  });
}
const formBody = (f: Form, fields: Record<string, string>) =>
  new URLSearchParams({ csrfToken: f.csrfToken, json: "true", ...fields }).toString();

let seq = 0;
async function newUser(base: string, admin: { cookie: string }, role = "analyst") {
  const email = `signin-${Date.now()}-${++seq}@x.test`;
  const password = `a long passphrase ${seq} for tests`;
  const res = await call(base, admin, "POST", "/api/v1/users", { email, name: `Tester ${seq}`, role, password });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return { email, password };
}

const count = (xs: number[], s: number) => xs.filter((x) => x === s).length;

describe("sign-in throttle and password checks (one proxy in front)", () => {
  let srv: TestServer;
  let admin: { cookie: string };

  before(async () => {
    // The address limit is high here, so the account limit and the hashing pool are what is tested.
    srv = await startServer({ env: { TRUST_PROXY: "1", LOGIN_MAX_FAILURES_PER_ADDRESS: "1000", MAX_CONCURRENT_HASHES: "2" } });
    admin = { cookie: await login(srv.url, ADMIN) };
  });
  after(async () => {
    await srv?.stop();
  });

  it("refuses a JSON body (415): it cannot dodge the count, nor sign in after 15 wrong guesses", async () => {
    const victim = await newUser(srv.url, admin);
    const f = await csrf(srv.url);
    const statuses: number[] = [];
    for (let i = 0; i < 15; i++) {
      const res = await fetch(`${srv.url}/api/auth/callback/credentials`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/json", cookie: f.cookie },
        body: JSON.stringify({ csrfToken: f.csrfToken, email: victim.email, password: `wrong-${i}`, json: "true" }),
      });
      statuses.push(res.status);
    }
    const right = await fetch(`${srv.url}/api/auth/callback/credentials`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/json", cookie: f.cookie },
      body: JSON.stringify({ csrfToken: f.csrfToken, email: victim.email, password: victim.password, json: "true" }),
    });
    assert.deepEqual([...new Set(statuses)], [415], statuses.join(","));
    assert.equal(right.status, 415);
    assert.equal(signedIn(right), false, "a JSON body never signs in");
  });

  it("refuses a repeated field (400): a decoy e-mail first cannot hide the account signed in", async () => {
    const victim = await newUser(srv.url, admin);
    const f = await csrf(srv.url);
    const dup = (password: string) =>
      `csrfToken=${encodeURIComponent(f.csrfToken)}&json=true&email=decoy%40x.test&email=${encodeURIComponent(victim.email)}&password=${encodeURIComponent(password)}`;
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await signIn(srv.url, f, dup(`wrong-${i}`))).status);
    const right = await signIn(srv.url, f, dup(victim.password));
    assert.deepEqual([...new Set(statuses)], [400], statuses.join(","));
    assert.equal(right.status, 400);
    assert.equal(signedIn(right), false);
    // Nothing was checked, so nothing was counted: the plain form still signs in.
    assert.equal((await signIn(srv.url, f, formBody(f, { email: victim.email, password: victim.password }))).status, 200);
  });

  it("refuses 18 parallel wrong guesses past the limit of 10 before any password check: exactly 10 checked, 8 × 429", async () => {
    const victim = await newUser(srv.url, admin);
    const f = await csrf(srv.url);
    const answers = await Promise.all(
      Array.from({ length: 18 }, (_, i) => signIn(srv.url, f, formBody(f, { email: victim.email, password: `wrong-${i}` }))),
    );
    const statuses = answers.map((r) => r.status);
    assert.equal(count(statuses, 429), 8, statuses.join(","));
    // The 10 that got a slot were wrong (401) or found the pool busy (503): both count.
    assert.equal(count(statuses, 401) + count(statuses, 503), 10, statuses.join(","));
    for (const r of answers.filter((a) => a.status === 429 || a.status === 503)) assert.ok(Number(r.headers.get("retry-after")) > 0);
    const right = await signIn(srv.url, f, formBody(f, { email: victim.email, password: victim.password }));
    assert.equal(right.status, 429, "even the right password waits out the window");
  });

  it("signs a plain form post (no json=true) in with a redirect, not a 401", async () => {
    const user = await newUser(srv.url, admin);
    const f = await csrf(srv.url);
    const body = new URLSearchParams({
      csrfToken: f.csrfToken,
      email: user.email,
      password: user.password,
      callbackUrl: "/risks",
    }).toString();
    const res = await signIn(srv.url, f, body);
    assert.equal(res.status, 302);
    assert.ok(signedIn(res), "session cookie set");
    assert.equal(new URL(res.headers.get("location")!, srv.url).href, `${srv.url}/risks`);
    // A signed-in session, read back through the API.
    const session = cookiesOf(res).find((c) => c.startsWith("next-auth.session-token="))!;
    assert.equal((await call(srv.url, { cookie: session }, "GET", "/api/v1/me")).body?.email, user.email);
  });

  it("keeps sign-in, /login and sign-out redirects on the site for /.//, /..// and /%2e// targets", async () => {
    const user = await newUser(srv.url, admin);
    const origin = new URL(srv.url).origin;
    for (const evil of ["/.//evil.com", "/..//evil.com", "/%2e//evil.com"]) {
      const f = await csrf(srv.url);
      const res = await signIn(srv.url, f, formBody(f, { email: user.email, password: user.password, callbackUrl: evil }));
      assert.equal(res.status, 200, evil);
      const { url } = (await res.json()) as { url: string };
      assert.equal(new URL(url, srv.url).origin, origin, `sign-in answer for ${evil}: ${url}`);
      const session = cookiesOf(res).find((c) => c.startsWith("next-auth.session-token="))!;

      const page = await fetch(`${srv.url}/login?callbackUrl=${encodeURIComponent(evil)}`, {
        redirect: "manual",
        headers: { cookie: session },
      });
      assert.ok(page.status >= 300 && page.status < 400, `GET /login ${evil}: ${page.status}`);
      const loc = page.headers.get("location")!;
      assert.ok(!/^[/\\]{2}/.test(loc), `GET /login ${evil}: Location ${loc}`);
      assert.equal(new URL(loc, srv.url).origin, origin, `GET /login ${evil}: Location ${loc}`);

      const out = await csrf(srv.url, session);
      const so = await fetch(`${srv.url}/api/auth/signout`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie: out.cookie },
        body: new URLSearchParams({ csrfToken: out.csrfToken, callbackUrl: evil }),
      });
      assert.equal(so.status, 302, `sign-out ${evil}`);
      assert.equal(new URL(so.headers.get("location")!, srv.url).origin, origin, `sign-out ${evil}: ${so.headers.get("location")}`);
    }
  });

  it("answers 60 parallel wrong current passwords with 400/429/503 only, never 500; the right one then waits (429)", async () => {
    const user = await newUser(srv.url, admin);
    const me = { cookie: await login(srv.url, user) };
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        call(srv.url, me, "POST", "/api/v1/me/password", {
          current_password: `wrong guess ${i}`,
          new_password: "a brand new long passphrase",
        }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    assert.deepEqual(
      statuses.filter((s) => ![400, 429, 503].includes(s)),
      [],
      statuses.join(","),
    );
    assert.equal(count(statuses, 429), 50, `10 checks per account and window: ${statuses.join(",")}`);
    for (const a of answers.filter((x) => x.status !== 400)) assert.ok(Number(a.headers.get("retry-after")) > 0, `${a.status}`);
    const right = await call(srv.url, me, "POST", "/api/v1/me/password", {
      current_password: user.password,
      new_password: "a brand new long passphrase",
    });
    assert.equal(right.status, 429, "no oracle past the limit, even for the right password");
    assert.ok(!srv.logs().includes("unhandled error in route"), "busy hashing is not an error");
  });

  it("a flood of wrong sign-ins from one address does not make another client's right password fail", async () => {
    const user = await newUser(srv.url, admin);
    const f = await csrf(srv.url);
    const flood = Array.from({ length: 60 }, (_, i) =>
      signIn(srv.url, f, formBody(f, { email: `flood-${i}@x.test`, password: "wrong" }), { "x-forwarded-for": "203.0.113.66" }),
    );
    // Once the first flood answers are back, the rest of the flood is queued or running.
    await Promise.race(flood);
    const right = await signIn(srv.url, f, formBody(f, { email: user.email, password: user.password }), {
      "x-forwarded-for": "198.51.100.20",
    });
    const statuses = (await Promise.all(flood)).map((r) => r.status);
    assert.equal(right.status, 200, `flood: ${statuses.join(",")}`);
    assert.ok(signedIn(right));
    assert.deepEqual(
      statuses.filter((s) => s !== 401 && s !== 503),
      [],
      statuses.join(","),
    );
  });

  it("does not serve next-auth's _log: nobody writes to our logs", async () => {
    const marker = `forged-log-line-${Date.now()}`;
    const res = await fetch(`${srv.url}/api/auth/_log`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ code: marker, level: "error", message: "x".repeat(10_000) }),
    });
    assert.equal(res.status, 404);
    assert.ok(!srv.logs().includes(marker));
  });
});

describe("sign-in throttle per client address behind proxies", () => {
  let srv: TestServer;

  before(async () => {
    srv = await startServer({ env: { TRUST_PROXY: "1", LOGIN_MAX_FAILURES_PER_ADDRESS: "5" } });
  });
  after(async () => {
    await srv?.stop();
  });

  /** 12 wrong sign-ins on 12 accounts, each with the X-Forwarded-For `xff(i)`. */
  async function rotate(xff: (i: number) => string) {
    const f = await csrf(srv.url);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const email = `nobody-${Date.now()}-${i}@x.test`;
      statuses.push((await signIn(srv.url, f, formBody(f, { email, password: "wrong" }), { "x-forwarded-for": xff(i) })).status);
    }
    return statuses;
  }

  it("TRUST_PROXY=1: a client rotating its own first X-Forwarded-For hop is still one address (5 × 401, then 429)", async () => {
    // What an appending proxy passes on: whatever the client sent, then the address it saw.
    const statuses = await rotate((i) => `192.0.2.${i + 1}, 203.0.113.9`);
    assert.deepEqual(statuses, [...Array(5).fill(401), ...Array(7).fill(429)]);
    // Another client behind the same proxy is not affected.
    assert.deepEqual((await rotate(() => "203.0.113.10")).slice(0, 5), Array(5).fill(401));
  });

  it("counts IPv6 clients per /64: rotating the low 64 bits does not reset the count", async () => {
    const statuses = await rotate((i) => `2001:db8:aa:bb::${(i + 1).toString(16)}`);
    assert.deepEqual(statuses, [...Array(5).fill(401), ...Array(7).fill(429)]);
  });

  it("TRUST_PROXY=2: the entry the outer proxy added is the client; anything before it is the client's own", async () => {
    await srv.restart({ TRUST_PROXY: "2" });
    const statuses = await rotate((i) => `192.0.2.${i + 1}, 203.0.113.20, 198.51.100.7`);
    assert.deepEqual(statuses, [...Array(5).fill(401), ...Array(7).fill(429)]);
    // A different client through the same two proxies signs in attempts of its own.
    assert.deepEqual((await rotate(() => "203.0.113.21, 198.51.100.7")).slice(0, 5), Array(5).fill(401));
  });
});

/** A request through the test nginx (self-signed certificate). */
function viaNginx(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = https.request(url, { method: opts.method ?? "GET", headers: opts.headers, rejectUnauthorized: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

describe("the shipped nginx config in front", { skip: !fs.existsSync("/usr/sbin/nginx") && "nginx is not installed" }, () => {
  let srv: TestServer;
  let nginx: TestNginx;

  before(async () => {
    srv = await startServer({ env: { TRUST_PROXY: "1", LOGIN_MAX_FAILURES_PER_ADDRESS: "3" } });
    nginx = await startNginx([srv.port]);
  });
  after(async () => {
    await nginx?.stop();
    await srv?.stop();
  });

  it("replaces the client's X-Forwarded-For, rate-limits sign-in itself and names no version", async () => {
    const c = await viaNginx(`${nginx.https}/api/auth/csrf`);
    const { csrfToken } = JSON.parse(c.body) as { csrfToken: string };
    const cookie = ((c.headers["set-cookie"] as string[] | undefined) ?? []).map((x) => x.split(";")[0]).join("; ");
    assert.equal(c.headers.server, "nginx", "server_tokens off");
    const answers: Awaited<ReturnType<typeof viaNginx>>[] = [];
    for (let i = 0; i < 16; i++) {
      const body = new URLSearchParams({ csrfToken, json: "true", email: `nobody-${i}@x.test`, password: "wrong" }).toString();
      answers.push(
        await viaNginx(`${nginx.https}/api/auth/callback/credentials`, {
          method: "POST",
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            "content-length": String(Buffer.byteLength(body)),
            cookie,
            "x-forwarded-for": `192.0.2.${i + 1}`, // a new address each time, says the client
          },
          body,
        }),
      );
    }
    const fromApp = (a: Awaited<ReturnType<typeof viaNginx>>) => String(a.headers["content-type"]).startsWith("application/json");
    // The app counts one address whatever the client claims: 3 wrong, then 429 from the app...
    assert.deepEqual(
      answers.slice(0, 5).map((a) => [a.status, fromApp(a)]),
      [
        [401, true],
        [401, true],
        [401, true],
        [429, true],
        [429, true],
      ],
    );
    // ...and nginx stops the burst itself (10 a minute, bursts of 10) before it reaches the app.
    assert.ok(
      answers.some((a) => a.status === 429 && !fromApp(a)),
      answers.map((a) => `${a.status}${fromApp(a) ? "" : " (nginx)"}`).join(","),
    );
  });
});
