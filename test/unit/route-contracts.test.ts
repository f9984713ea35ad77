// Every route file under app/api is in the OpenAPI document: each handler it exports carries a
// contract for its own method and path (a route added without one fails here), the registry the
// document is built from lists exactly those contracts, and the schemas a handler parses its
// query and body with are the ones its contract documents.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import type { RouteContract } from "../../lib/http/contract";
import { ROUTE_CONTRACTS } from "../../lib/http/contracts";
import { openApiDocument } from "../../lib/api-docs/openapi";

const root = process.cwd();
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? routeFiles(p) : e.name === "route.ts" ? [p] : [];
  });
}

/** app/api/v1/risks/[id]/route.ts → /api/v1/risks/{id}; a catch-all segment → a prefix. */
function pathOf(file: string): { template: string; catchAll: boolean } {
  const segments = path.relative(path.join(root, "app"), path.dirname(file)).split(path.sep);
  const catchAll = segments.some((s) => s.startsWith("[..."));
  const kept = catchAll
    ? segments.slice(
        0,
        segments.findIndex((s) => s.startsWith("[...")),
      )
    : segments;
  return { template: `/${kept.map((s) => s.replace(/^\[(\w+)\]$/, "{$1}")).join("/")}`, catchAll };
}

const files = routeFiles(path.join(root, "app/api")).sort();
const modules = new Map<string, Record<string, unknown>>();

test("every route file's handlers carry a contract for their own method and path", async () => {
  assert.ok(files.length >= 30, `only ${files.length} route files found`);
  const missing: string[] = [];
  for (const file of files) {
    const mod = (await import(file)) as Record<string, unknown>;
    modules.set(file, mod);
    const { template, catchAll } = pathOf(file);
    const rel = path.relative(root, file);
    const handlers = METHODS.filter((m) => typeof mod[m] === "function");
    assert.ok(handlers.length > 0, `${rel} exports no handler`);
    for (const method of handlers) {
      const contracts = (mod[method] as { contracts?: readonly RouteContract[] }).contracts;
      if (!contracts?.length) {
        missing.push(`${method} ${rel}`);
        continue;
      }
      for (const c of contracts) {
        assert.equal(c.method, method, `${rel} ${method} carries the contract of ${c.method} ${c.path}`);
        if (catchAll) assert.ok(c.path.startsWith(`${template}/`), `${rel}: ${c.path} is not under ${template}/`);
        else assert.equal(c.path, template, `${rel} ${method} carries the contract of ${c.path}`);
      }
    }
  }
  assert.deepEqual(missing, [], "handlers without a contract (declare one in lib/http/contracts and pass it to route())");
});

test("the registry lists exactly the contracts the route files carry, each once", () => {
  const carried = new Set<RouteContract>();
  for (const mod of modules.values())
    for (const m of METHODS) for (const c of (mod[m] as { contracts?: RouteContract[] } | undefined)?.contracts ?? []) carried.add(c);
  assert.ok(carried.size > 0, "run after the first test");
  const key = (c: RouteContract) => `${c.method} ${c.path}`;
  const registered = new Set(ROUTE_CONTRACTS);
  assert.deepEqual(
    [...carried].filter((c) => !registered.has(c)).map(key),
    [],
    "carried by a route but not in lib/http/contracts/index.ts",
  );
  assert.deepEqual([...registered].filter((c) => !carried.has(c)).map(key), [], "registered but served by no route file");
  const keys = ROUTE_CONTRACTS.map(key);
  assert.equal(new Set(keys).size, keys.length, "a method and path registered twice");
});

test("every route file's methods are operations of the OpenAPI document", () => {
  const doc = openApiDocument({ version: "test" });
  for (const file of files) {
    const { template, catchAll } = pathOf(file);
    const mod = modules.get(file)!;
    for (const m of METHODS.filter((x) => typeof mod[x] === "function")) {
      const paths = catchAll ? Object.keys(doc.paths).filter((p) => p.startsWith(`${template}/`)) : [template];
      const ops = paths.filter((p) => (doc.paths[p] as Record<string, unknown> | undefined)?.[m.toLowerCase()]);
      assert.ok(ops.length > 0, `${m} ${path.relative(root, file)} is not in the document`);
    }
  }
});

// `query(req, riskListSchema)` in a handler and `query: riskListSchema` in its contract must be
// the same schema object, or the document would describe input the handler does not parse.
test("the schemas handlers parse with are their contracts' schemas", async () => {
  const checked: string[] = [];
  for (const [file, mod] of modules) {
    const src = fs.readFileSync(file, "utf8");
    const imported = new Map<string, string>();
    for (const [, names, from] of src.matchAll(/import\s*\{([^}]+)\}\s*from\s*"([^"]+)"/g))
      for (const n of names!.split(",").map((s) => s.trim().replace(/^type\s+/, "")))
        if (n) imported.set(n, from!.replace(/^@\//, `${root}/`));
    const contracts = METHODS.flatMap((m) => (mod[m] as { contracts?: RouteContract[] } | undefined)?.contracts ?? []);
    for (const [, kind, name] of src.matchAll(/\b(query|body)\(req, (\w+)\)/g)) {
      const from = imported.get(name!);
      assert.ok(from, `${path.relative(root, file)}: ${name} is not imported (schemas belong to the domain or the contract)`);
      const schema = ((await import(from.startsWith(".") ? path.resolve(path.dirname(file), from) : from)) as Record<string, unknown>)[
        name!
      ];
      assert.ok(
        contracts.some((c) => c[kind as "query" | "body"] === schema),
        `${path.relative(root, file)} parses its ${kind} with ${name}, which its contract does not document`,
      );
      checked.push(`${path.relative(root, file)} ${kind}`);
    }
  }
  assert.ok(checked.length >= 15, `only ${checked.length} schemas found: ${checked.join(", ")}`);
});
