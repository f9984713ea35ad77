// The difference between two snapshots as an RFC 6902 JSON Patch (fast-json-patch), per
// top-level key in whichever form is smaller: fine-grained operations, or one `replace` of the
// whole value. Index-based array diffs blow up when a list shifts (a risk entering the top 10
// rewrites every row below it); replacing that one list is then far cheaper.
import jsonpatch, { type Operation } from "fast-json-patch"; // CommonJS: use the default export

/**
 * The JSON Patch from `prev` to `next`: applying it to `prev` gives `next`. Per top-level key,
 * the smaller of fine-grained operations and one `replace`.
 */
export function diffSnapshots<T extends object>(prev: T, next: T): Operation[] {
  const ops: Operation[] = [];
  const keys = new Set([...Object.keys(prev), ...Object.keys(next)]);
  for (const key of keys) {
    const a = (prev as Record<string, unknown>)[key];
    const b = (next as Record<string, unknown>)[key];
    const path = `/${jsonpatch.escapePathComponent(key)}`;
    if (b === undefined) {
      ops.push({ op: "remove", path });
      continue;
    }
    if (a === undefined || typeof a !== "object" || a === null || typeof b !== "object" || b === null) {
      if (JSON.stringify(a) !== JSON.stringify(b))
        ops.push(a === undefined ? { op: "add", path, value: b } : { op: "replace", path, value: b });
      continue;
    }
    const fine = jsonpatch.compare(a, b).map((op) => ({ ...op, path: path + op.path }));
    if (fine.length === 0) continue;
    const whole: Operation = { op: "replace", path, value: b };
    ops.push(...(JSON.stringify(fine).length <= JSON.stringify(whole).length ? fine : [whole]));
  }
  return ops;
}
