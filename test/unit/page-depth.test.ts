// Page numbers are bounded: page × page_size past MAX_PAGE_DEPTH is refused with a 400 that
// names the field, before any query runs (OFFSET would read and discard every row before it).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { SYSTEM } from "../../lib/domain/audit";
import { assertPageDepth, MAX_PAGE_DEPTH, pageArgs } from "../../lib/domain/pagination";
import { createRiskService, riskCreateSchema, riskListSchema } from "../../lib/domain/risks";
import { errorResponse } from "../../lib/http/errors";
import { EventBus } from "../../lib/domain/bus";
import { fixedClock, flavor, testDb } from "../support/db";

describe("page depth", () => {
  it("allows page × page_size up to MAX_PAGE_DEPTH and refuses one page more with {error, code, details}", async () => {
    assert.equal(MAX_PAGE_DEPTH, 100_000);
    assert.deepEqual(pageArgs({ page: 500, page_size: 200 }), { skip: 99_800, take: 200 });
    assert.deepEqual(pageArgs({ page: 100_000, page_size: 1 }), { skip: 99_999, take: 1 });
    let thrown: unknown;
    try {
      assertPageDepth({ page: 501, page_size: 200 });
    } catch (e) {
      thrown = e;
    }
    const res = errorResponse(thrown);
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), {
      error: "page too deep: page × page_size may be at most 100000",
      code: "page_too_deep",
      details: [{ field: "page", message: "at most 500 with page_size 200; narrow the filters to reach older rows" }],
    });
  });

  describe(`a service list (${flavor})`, () => {
    let t: Awaited<ReturnType<typeof testDb>>;
    before(async () => {
      t = await testDb("pagedepth");
    });
    after(() => t.close());

    it("refuses a deep page (page_too_deep) and still serves the deepest allowed one", async () => {
      const risks = createRiskService({ db: t.db, events: new EventBus(), clock: fixedClock("2026-12-01T00:00:00Z"), flavor });
      await risks.create(riskCreateSchema.parse({ title: "only one", severity: "low", likelihood: 0.5, impact: 0.5 }), SYSTEM);
      await assert.rejects(risks.list(riskListSchema.parse({ page: "2000000000", page_size: "200" })), {
        code: "page_too_deep",
        status: 400,
      });
      const deepest = await risks.list(riskListSchema.parse({ page: "500", page_size: "200" }));
      assert.deepEqual({ items: deepest.items, total: deepest.total }, { items: [], total: 1 });
    });
  });
});
