import assert from "node:assert/strict";
import { describe, it } from "node:test";
import jsonpatch from "fast-json-patch";
import { diffSnapshots } from "../../lib/realtime/dashboard/snapshot-diff";

const apply = <T>(doc: T, ops: ReturnType<typeof diffSnapshots>) => jsonpatch.applyPatch(doc, ops, true, false).newDocument;

describe("snapshot diff", () => {
  const rows = (ids: number[]) => ids.map((id) => ({ id, title: `Risk number ${id}`, severity: "high", score: id / 10 }));
  const prev = { metrics: { total: 10, avg: 3.5 }, top: rows([9, 8, 7, 6, 5, 4, 3, 2, 1]), trend: [1, 2, 3] };

  it("sends fine-grained operations for a small change", () => {
    const next = { ...prev, metrics: { total: 11, avg: 3.5 }, trend: [1, 2, 4] };
    const ops = diffSnapshots(prev, next);
    assert.deepEqual(ops, [
      { op: "replace", path: "/metrics/total", value: 11 },
      { op: "replace", path: "/trend/2", value: 4 },
    ]);
    assert.deepEqual(apply(prev, ops), next);
  });

  it("replaces a list whole when it shifted, because that is smaller", () => {
    const next = { ...prev, top: rows([10, 9, 8, 7, 6, 5, 4, 3, 2]) };
    const ops = diffSnapshots(prev, next);
    assert.deepEqual(ops, [{ op: "replace", path: "/top", value: next.top }]);
    assert.ok(JSON.stringify(ops).length < JSON.stringify(jsonpatch.compare(prev, next)).length);
    assert.deepEqual(apply(prev, ops), next);
  });

  it("is empty when nothing changed, and handles added and removed keys", () => {
    assert.deepEqual(diffSnapshots(prev, structuredClone(prev)), []);
    const next: Record<string, unknown> = { ...prev, extra: { a: 1 } };
    delete next.trend;
    assert.deepEqual(apply(prev, diffSnapshots(prev, next)), next);
  });
});
