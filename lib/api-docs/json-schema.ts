// The generated wire schemas (JSON Schema draft-07, from the types) as components of a document:
// references rewritten to the document's own place, only what is used, and — for OpenAPI 3.1,
// whose dialect is JSON Schema 2020-12 — tuples spelled with `prefixItems`.
import generated from "./generated/wire-schemas.json";

export type JsonSchema = Record<string, unknown>;
const DEFINITIONS = (generated as { definitions: Record<string, JsonSchema> }).definitions;

/** The schema of one property of a generated root interface (ResponseBodies, RealtimeWire). */
export function rootProperty(root: string, name: string): JsonSchema {
  const props = (DEFINITIONS[root] as { properties?: Record<string, JsonSchema> } | undefined)?.properties;
  const schema = props?.[name];
  if (!schema) throw new Error(`${root}.${name} is not in lib/api-docs/generated/wire-schemas.json: run node scripts/api-schemas.mjs`);
  return schema;
}

/** A generated definition by name. */
export function definition(name: string): JsonSchema {
  const schema = DEFINITIONS[name];
  if (!schema) throw new Error(`no generated definition ${name}`);
  return schema;
}

function walk(node: unknown, fn: (n: JsonSchema) => JsonSchema): unknown {
  if (Array.isArray(node)) return node.map((n) => walk(n, fn));
  if (!node || typeof node !== "object") return node;
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(node)) out[k] = walk(v, fn);
  return fn(out);
}

const DEF_REF = "#/definitions/";

/**
 * Components for `named` schemas (which may `$ref` generated definitions): every reference points
 * under `base` (e.g. `#/components/schemas/`), the generated definitions they reach are included,
 * converted for `dialect`. A named schema that is only a reference is not repeated: `refOf` gives
 * where each name's schema lives.
 */
export function buildComponents(
  named: Record<string, JsonSchema>,
  base: string,
  dialect: "draft-07" | "2020-12",
): { schemas: Record<string, JsonSchema>; refOf: Record<string, string> } {
  const convert = (s: JsonSchema) =>
    walk(s, (n) => {
      const out = { ...n };
      if (typeof out.$ref === "string" && out.$ref.startsWith(DEF_REF)) out.$ref = base + out.$ref.slice(DEF_REF.length);
      if (dialect === "2020-12" && Array.isArray(out.items)) {
        out.prefixItems = out.items;
        if ("additionalItems" in out) out.items = out.additionalItems;
        else delete out.items;
        delete out.additionalItems;
      }
      return out;
    }) as JsonSchema;
  const reached = new Set<string>();
  const visit = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== "object") return;
    for (const [k, v] of Object.entries(node)) {
      if (k === "$ref" && typeof v === "string" && v.startsWith(DEF_REF)) {
        const name = v.slice(DEF_REF.length);
        if (!reached.has(name)) {
          reached.add(name);
          visit(definition(name));
        }
      } else visit(v);
    }
  };
  Object.values(named).forEach(visit);
  const schemas: Record<string, JsonSchema> = {};
  for (const name of [...reached].sort()) schemas[name] = convert(definition(name));
  const refOf: Record<string, string> = {};
  for (const [name, s] of Object.entries(named)) {
    const keys = Object.keys(s);
    if (keys.length === 1 && typeof s.$ref === "string") {
      refOf[name] = convert(s).$ref as string;
      continue;
    }
    let key = name;
    while (key in schemas) key = `${key}Body`;
    schemas[key] = convert(s);
    refOf[name] = base + key;
  }
  return { schemas, refOf };
}
