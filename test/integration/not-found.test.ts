// Missing pages answer 404 inside the app: a risk that does not exist (or was deleted since the
// link was made) keeps the console's header and offers the way back to the risks; a URL no
// route serves shows the header to a signed-in user, the sign-in link to anyone else.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ADMIN, ANALYST, call, login } from "../support/http";
import { startServer, type TestServer } from "../support/server";

async function page(base: string, path: string, cookie?: string) {
  const res = await fetch(`${base}${path}`, { headers: cookie ? { cookie } : {}, redirect: "manual" });
  return { status: res.status, html: await res.text() };
}

/**
 * The console's header: the top bar with the main navigation and who is signed in. A page that
 * calls notFound() arrives as Next's recovery document, whose body the browser builds from the
 * inlined React payload (Next does not server-render that case: vercel/next.js#62228), so the
 * markers are looked for as HTML or as that payload's JSON.
 */
function assertAppShell(html: string) {
  assert.match(html, /class(Name)?\W+topbar/);
  assert.match(html, /data-testid\W+who/);
}

describe("not found", () => {
  let srv: TestServer;
  let admin: string;
  before(async () => {
    srv = await startServer();
    admin = await login(srv.url, ADMIN);
  });
  after(() => srv?.stop());

  it("answers 404 for a risk that does not exist, inside the app shell, with the way back", async () => {
    for (const path of ["/risks/999999", "/risks/0", "/risks/abc"]) {
      const { status, html } = await page(srv.url, path, admin);
      assert.equal(status, 404, path);
      assertAppShell(html);
      assert.match(html, /Risk not found/);
      assert.match(html, /href\W+\/risks\W+children\W+Back to the risks/);
      assert.doesNotMatch(html, /couldn.t load|could not load/i);
    }
  });

  it("answers 404 for a risk deleted since the link was made", async () => {
    const auth = { cookie: admin };
    const made = await call(srv.url, auth, "POST", "/api/v1/risks", {
      title: "short-lived",
      severity: "low",
      likelihood: 0.2,
      impact: 0.2,
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const id = (made.body as { id: number }).id;
    assert.equal((await page(srv.url, `/risks/${id}`, admin)).status, 200);
    assert.equal((await call(srv.url, auth, "DELETE", `/api/v1/risks/${id}`)).status < 300, true);
    const { status, html } = await page(srv.url, `/risks/${id}`, admin);
    assert.equal(status, 404);
    assertAppShell(html);
    assert.match(html, /Risk not found/);
  });

  it("answers 404 for a URL no route serves, with the app's header when signed in", async () => {
    const analyst = await login(srv.url, ANALYST);
    const signedIn = await page(srv.url, "/no-such-page/at-all", analyst);
    assert.equal(signedIn.status, 404);
    assertAppShell(signedIn.html);
    assert.match(signedIn.html, /Page not found/);
    assert.match(signedIn.html, /<a href="\/dashboard">/);
    const anonymous = await page(srv.url, "/no-such-page");
    assert.equal(anonymous.status, 404);
    assert.match(anonymous.html, /Page not found/);
    assert.match(anonymous.html, /<a href="\/login">Sign in<\/a>/);
  });

  it("sends an anonymous visitor of a risk page to sign in first, not to a 404", async () => {
    const { status, html } = await page(srv.url, "/risks/999999");
    assert.ok([303, 307].includes(status) || /login\?callbackUrl/.test(html), `status ${status}`);
  });
});
