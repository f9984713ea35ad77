// Security headers as a browser receives them: the pages' Content-Security-Policy (a fresh nonce
// that the page's own scripts carry), Permissions-Policy on pages and API responses alike, and
// HSTS exactly when the public URL (NEXTAUTH_URL) is https.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startServer, type TestServer } from "../support/server";

const PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()";
const HSTS = "max-age=31536000; includeSubDomains";

async function get(base: string, path: string) {
  const res = await fetch(`${base}${path}`, { redirect: "manual" });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** The page's CSP directives, by name. */
function directives(csp: string | null): Map<string, string> {
  assert.ok(csp, "a Content-Security-Policy header");
  return new Map(
    csp.split(";").map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name!, values.join(" ")];
    }),
  );
}

describe("security headers, served over https (NEXTAUTH_URL=https://…)", () => {
  let srv: TestServer;
  // The TLS terminator in front forwards plain http to the server; the public URL is https.
  before(async () => (srv = await startServer({ env: { NEXTAUTH_URL: "https://riskpulse.example" } })));
  after(() => srv?.stop());

  it("a page carries CSP with a fresh nonce on its own scripts, HSTS and Permissions-Policy", async () => {
    const page = await get(srv.url, "/login");
    assert.equal(page.status, 200);
    const csp = directives(page.headers.get("content-security-policy"));
    const nonce = /'nonce-([^']+)'/.exec(csp.get("script-src") ?? "")?.[1];
    assert.ok(nonce, `script-src with a nonce: ${csp.get("script-src")}`);
    assert.equal(csp.get("default-src"), "'self'");
    assert.equal(csp.get("object-src"), "'none'");
    assert.equal(csp.get("frame-ancestors"), "'none'");
    assert.equal(csp.get("script-src")!.includes("unsafe-eval"), false, "no eval in production");
    // Every inline script the page ships carries this response's nonce (else the browser blocks it).
    const scripts = [...page.text.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]!);
    assert.ok(scripts.length > 0, "the page has scripts");
    assert.deepEqual(
      scripts.filter((attrs) => !attrs.includes(`nonce="${nonce}"`)),
      [],
      "scripts without this response's nonce",
    );
    const again = directives((await get(srv.url, "/login")).headers.get("content-security-policy"));
    assert.notEqual(/'nonce-([^']+)'/.exec(again.get("script-src")!)?.[1], nonce, "a fresh nonce per response");
    assert.equal(page.headers.get("strict-transport-security"), HSTS);
    assert.equal(page.headers.get("permissions-policy"), PERMISSIONS);
  });

  it("an API response carries HSTS and Permissions-Policy, signed in or not", async () => {
    for (const path of ["/api/health", "/api/v1/me"]) {
      const r = await get(srv.url, path);
      assert.equal(r.status, path === "/api/health" ? 200 : 401, path);
      assert.equal(r.headers.get("strict-transport-security"), HSTS, path);
      assert.equal(r.headers.get("permissions-policy"), PERMISSIONS, path);
      assert.equal(r.headers.get("x-content-type-options"), "nosniff", path);
    }
  });
});

describe("security headers, served over plain http", () => {
  let srv: TestServer;
  before(async () => (srv = await startServer()));
  after(() => srv?.stop());

  it("sends no HSTS (it would lock browsers out of an http-only host), and the other headers still", async () => {
    const page = await get(srv.url, "/login");
    const api = await get(srv.url, "/api/health");
    assert.deepEqual([page.headers.get("strict-transport-security"), api.headers.get("strict-transport-security")], [null, null]);
    assert.ok(page.headers.get("content-security-policy")?.includes("'nonce-"));
    assert.deepEqual([page.headers.get("permissions-policy"), api.headers.get("permissions-policy")], [PERMISSIONS, PERMISSIONS]);
  });
});
