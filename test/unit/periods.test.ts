import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { windowEnd, windowStart } from "../../lib/domain/quota/periods";

describe("quota periods", () => {
  const at = new Date("2026-11-22T17:45:12Z"); // a Sunday
  it("starts windows on the UTC hour, day, ISO week (Monday) and month", () => {
    assert.equal(windowStart("hourly", at).toISOString(), "2026-11-22T17:00:00.000Z");
    assert.equal(windowStart("daily", at).toISOString(), "2026-11-22T00:00:00.000Z");
    assert.equal(windowStart("weekly", at).toISOString(), "2026-11-16T00:00:00.000Z");
    assert.equal(windowStart("monthly", at).toISOString(), "2026-11-01T00:00:00.000Z");
  });
  it("ends windows where the next begins, across month and year ends", () => {
    assert.equal(windowEnd("weekly", at).toISOString(), "2026-11-23T00:00:00.000Z");
    assert.equal(windowEnd("monthly", new Date("2026-12-31T23:59:59Z")).toISOString(), "2027-01-01T00:00:00.000Z");
    assert.equal(windowStart("weekly", new Date("2026-11-23T00:00:00Z")).toISOString(), "2026-11-23T00:00:00.000Z");
    assert.equal(windowEnd("hourly", new Date("2026-11-22T23:59:59.999Z")).toISOString(), "2026-11-23T00:00:00.000Z");
  });
});
