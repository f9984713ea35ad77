// Every answer the integration suite got from a real server (recorded by test/support/http.ts into
// the folder RISKPULSE_HTTP_RECORD) is what the OpenAPI document says: its status is documented for that
// operation and its body validates against the documented schema (ajv, JSON Schema 2020-12 as
// OpenAPI 3.1 uses it). npm test runs this after each lane's integration suite; it starts no server.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { openApiDocument } from "../../lib/api-docs/openapi";
import type { RecordedResponse } from "../support/http";

const DIR = process.env.RISKPULSE_HTTP_RECORD;

type Operation = { responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }> };

/** Path templates as patterns; literal paths first, so /api/v1/quotas/usage is not read as /api/v1/quotas/{id}. */
function matchers(paths: Record<string, unknown>) {
  return Object.keys(paths)
    .map((template) => ({
      template,
      params: (template.match(/\{/g) ?? []).length,
      pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{\w+\\?\}/g, "[^/]+")}$`),
    }))
    .sort((a, b) => a.params - b.params);
}

test(
  "every recorded answer is documented and matches its schema",
  { skip: DIR ? false : "set RISKPULSE_HTTP_RECORD (npm test does)" },
  (t) => {
    assert.ok(fs.existsSync(DIR!), `${DIR} does not exist: the integration suite recorded nothing`);
    const recorded = fs
      .readdirSync(DIR!)
      .filter((f) => f.endsWith(".jsonl"))
      .flatMap((f) => fs.readFileSync(path.join(DIR!, f), "utf8").split("\n"))
      .filter(Boolean)
      .map((l) => JSON.parse(l) as RecordedResponse);
    assert.ok(recorded.length > 100, `only ${recorded.length} answers recorded`);

    const doc = openApiDocument({ version: "test" });
    const ajv = new Ajv2020({ strict: false, allErrors: false });
    addFormats(ajv);
    ajv.addSchema({ $id: "openapi", components: doc.components });
    const validators = new Map<string, ReturnType<typeof ajv.compile>>();
    const validatorFor = (ref: string) => {
      let v = validators.get(ref);
      if (!v) validators.set(ref, (v = ajv.compile({ $ref: `openapi${ref}` })));
      return v;
    };

    const routes = matchers(doc.paths);
    const problems = new Map<string, string>();
    const exercised = new Set<string>();
    let checked = 0;
    let unrouted = 0;
    for (const r of recorded) {
      const method = r.method.toLowerCase();
      const route = routes.find((m) => m.pattern.test(r.path) && (doc.paths[m.template] as Record<string, unknown>)[method]);
      if (!route) {
        unrouted++; // a path or method no route serves (the suite probes those on purpose)
        continue;
      }
      const op = (doc.paths[route.template] as Record<string, Operation>)[method]!;
      const where = `${r.method} ${route.template} → ${r.status}`;
      exercised.add(`${r.method} ${route.template}`);
      const documented = op.responses[String(r.status)];
      if (!documented) {
        problems.set(where, `status not documented (body: ${r.body.slice(0, 200)})`);
        continue;
      }
      const json = documented.content?.["application/json"];
      if (json) {
        let body: unknown;
        try {
          body = JSON.parse(r.body);
        } catch {
          problems.set(where, `not JSON: ${r.body.slice(0, 200)}`);
          continue;
        }
        const validate = validatorFor(json.schema.$ref!);
        if (!validate(body)) problems.set(where, `${ajv.errorsText(validate.errors)} (body: ${r.body.slice(0, 300)})`);
      } else if (!documented.content && r.status === 204 && r.body !== "") {
        problems.set(where, `a body where none is documented: ${r.body.slice(0, 200)}`);
      }
      checked++;
    }
    const operations = Object.entries(doc.paths).flatMap(([p, item]) => Object.keys(item as object).map((m) => `${m.toUpperCase()} ${p}`));
    const untouched = operations.filter((o) => !exercised.has(o));
    t.diagnostic(
      `${checked} answers checked (${unrouted} to paths no route serves) across ${exercised.size} of ${operations.length} operations; not exercised: ${untouched.join(", ")}`,
    );
    assert.deepEqual(Object.fromEntries(problems), {}, "answers that differ from the OpenAPI document");
  },
);
