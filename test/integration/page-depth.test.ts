// Page numbers have an upper bound: on every paged list, page × page_size past 100,000 is a 400
// {error, code: "page_too_deep", details} instead of a deep OFFSET scan; the deepest allowed
// page still answers, and a console page with a too-deep page in its URL shows the first page.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startServer, type TestServer } from "../support/server";
import { ADMIN, call, login, type Auth } from "../support/http";

const LISTS = ["/api/v1/risks", "/api/v1/mitigations", "/api/v1/violations", "/api/v1/alerts", "/api/v1/users", "/api/v1/audit"];

describe("page depth bound", () => {
  let srv: TestServer;
  let admin: Auth;
  before(async () => {
    srv = await startServer();
    admin = { cookie: await login(srv.url, ADMIN) };
  });
  after(async () => {
    assert.equal(await srv?.stop(), 0);
  });

  it("refuses a page past 100,000 rows on every paged list, and serves the deepest allowed page", async () => {
    for (const list of LISTS) {
      const deep = await call(srv.url, admin, "GET", `${list}?page=501&page_size=200`);
      assert.equal(deep.status, 400, list);
      assert.equal(deep.body.code, "page_too_deep", list);
      assert.match(deep.body.error, /page too deep/, list);
      assert.deepEqual(
        deep.body.details,
        [{ field: "page", message: "at most 500 with page_size 200; narrow the filters to reach older rows" }],
        list,
      );
      const huge = await call(srv.url, admin, "GET", `${list}?page=2147483647`);
      assert.equal(huge.status, 400, list);
      assert.equal(huge.body.code, "page_too_deep", list);
      const deepest = await call(srv.url, admin, "GET", `${list}?page=500&page_size=200`);
      assert.equal(deepest.status, 200, list);
      assert.deepEqual(deepest.body.items, [], list);
      assert.equal(deepest.body.page, 500, list);
    }
  });

  it("a console list with a too-deep page shows its first page and says the filter was ignored", async () => {
    const res = await fetch(`${srv.url}/risks?page=99999999`, { headers: { cookie: (admin as { cookie: string }).cookie } });
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /Some filters were not understood and were ignored/);
    const pager = html.match(/data-testid="risk-total">(.*?)<\/span>/)?.[1]?.replace(/<!-- -->/g, "");
    assert.match(pager ?? "", /^\d+ risks · page 1 of \d+$/);
  });
});
