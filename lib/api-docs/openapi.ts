// The OpenAPI 3.1 document, built from the route contracts (lib/http/contracts): parameters and
// request bodies from the zod schemas the handlers parse with (zod 4's own z.toJSONSchema, whose
// dialect — JSON Schema 2020-12 — is OpenAPI 3.1's), response bodies from the types the handlers
// return (generated/wire-schemas.json), and the answers every route of a kind may give (the
// wrapper's 400/401/403/413/415/503, lib/http/route.ts) added here once.
import { z } from "zod";
import type { Reply, RouteContract } from "../http/contract";
import { ROUTE_CONTRACTS } from "../http/contracts";
import type { BodyName } from "../http/response-bodies";
import { buildComponents, rootProperty, type JsonSchema } from "./json-schema";

const COMPONENTS = "#/components/schemas/";
const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const ID_SCHEMA = { type: "integer", minimum: 1, maximum: 2_147_483_647 };

const TAGS = [
  ["real-time", "The dashboard snapshot, the SSE streams and polling; the messages are in the AsyncAPI document (/api/asyncapi.json)"],
  ["risks", "Risks, each with a score of 10 × likelihood × impact"],
  ["mitigations", "What is being done about a risk"],
  ["acceptances", "Accepting a risk until a date, decided by a second person (four-eyes)"],
  ["commands and quotas", "Recording commands against per-user quotas; violations and alerts"],
  ["users", "Accounts (admins)"],
  ["account", "The caller's own account"],
  ["tokens", "API tokens for scripts"],
  ["audit", "Who changed what"],
  ["sign-in", "next-auth's endpoints, for scripts that sign in with a password"],
  ["operations", "Health, readiness and metrics"],
  ["documents", "The API's own descriptions"],
  ["testing", "Synthetic broadcasts: admins only, and off in production unless ENABLE_TEST_ENDPOINTS=1"],
].map(([name, description]) => ({ name, description }));

/** A zod schema as JSON Schema for what a client sends. */
function inputSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  return rest;
}

function pathParameters(c: RouteContract) {
  return [...c.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => {
    const p = c.params?.[name!];
    if (!p) throw new Error(`${c.method} ${c.path}: path parameter ${name} has no description in its contract`);
    return { name, in: "path", required: true, description: p.description, schema: p.schema ? inputSchema(p.schema) : ID_SCHEMA };
  });
}

function queryParameters(c: RouteContract) {
  if (!c.query) return [];
  const schema = inputSchema(c.query) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, prop]) => {
    const { description, ...rest } = prop;
    return { name, in: "query", required: schema.required?.includes(name) ?? false, ...(description ? { description } : {}), schema: rest };
  });
}

function security(c: RouteContract) {
  switch (c.access) {
    case "public":
      return [];
    case "metrics":
      return [{ metricsToken: [] }, { sessionCookie: [] }];
    default:
      return [{ sessionCookie: [] }, { bearerToken: [] }, ...(c.queryToken ? [{ queryToken: [] }] : [])];
  }
}

/** The answers the wrapper gives for a route of this kind, whatever its handler does. */
function standardReplies(c: RouteContract): Record<number, Reply> {
  if (c.ownErrors) return {};
  const r: Record<number, Reply> = {};
  const err = (description: string, headers?: Record<string, string>): Reply => ({
    description,
    body: "Error",
    ...(headers ? { headers } : {}),
  });
  if (c.query || c.body || c.params) r[400] = err("invalid input: `details` names each field and what is wrong with it");
  if (c.access !== "public") {
    r[401] = err(
      "no valid credential: `code` is `unauthorized`, `session_expired`, `token_revoked`, `token_expired`, or `token_in_query` (a `?token=` where only the header is accepted)",
      { "www-authenticate": 'Bearer realm="riskpulse"' },
    );
    const why = ["`account_disabled`"];
    if (c.access === "admin") why.push("not an admin");
    if (MUTATING.has(c.method)) why.push("a cookie-authenticated change from another site");
    r[403] = err(`forbidden: ${why.join("; ")}`);
  }
  if (c.params || c.testOnly) r[404] = err(c.testOnly ? "not found (test endpoints are off)" : "no such record");
  if (c.body || c.csv) {
    r[413] = err("the body is larger than MAX_BODY_BYTES");
    r[415] = err(c.csv ? "the body is not text/csv" : "the body is not application/json");
  }
  r[500] = err("internal error");
  r[503] = err("the database is unavailable; retry shortly", { "retry-after": "seconds" });
  return r;
}

function responses(c: RouteContract, refOf: Record<string, string>) {
  const std = standardReplies(c);
  const out: Record<string, unknown> = {};
  const statuses = [...new Set([...Object.keys(c.replies), ...Object.keys(std)].map(Number))].sort((a, b) => a - b);
  for (const status of statuses) {
    const own = c.replies[status];
    const base = std[status];
    const reply = own ?? base!;
    const description =
      own && base && own.description !== base.description ? `${own.description}; or ${base.description}` : reply.description;
    const headers = { ...base?.headers, ...own?.headers };
    out[String(status)] = {
      description,
      ...(Object.keys(headers).length
        ? { headers: Object.fromEntries(Object.entries(headers).map(([h, d]) => [h, { description: d, schema: { type: "string" } }])) }
        : {}),
      ...(reply.body
        ? { content: { "application/json": { schema: { $ref: refOf[reply.body] } } } }
        : reply.content
          ? {
              content: {
                [reply.content]: { schema: { type: "string" } },
                ...(reply.alsoJson ? { "application/json": { schema: { $ref: refOf[reply.alsoJson] } } } : {}),
              },
            }
          : {}),
    };
  }
  return out;
}

/** `GET /api/v1/risks/{id}` → `getApiV1RisksId`. */
export function operationId(c: Pick<RouteContract, "method" | "path">): string {
  const words = c.path.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return c.method.toLowerCase() + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join("");
}

/** The OpenAPI 3.1 document of every route in `contracts` (default: all of them). */
export function openApiDocument(opts: { version: string; contracts?: readonly RouteContract[] }) {
  const contracts = opts.contracts ?? ROUTE_CONTRACTS;
  const bodyNames = new Set<BodyName>(["Error"]);
  for (const c of contracts)
    for (const r of Object.values(c.replies)) {
      if (r?.body) bodyNames.add(r.body);
      if (r?.alsoJson) bodyNames.add(r.alsoJson);
    }
  const named = Object.fromEntries([...bodyNames].sort().map((n) => [n, rootProperty("ResponseBodies", n)]));
  const { schemas, refOf } = buildComponents(named, COMPONENTS, "2020-12");

  const paths: Record<string, Record<string, unknown>> = {};
  for (const c of contracts) {
    const item = (paths[c.path] ??= {});
    const method = c.method.toLowerCase();
    if (item[method]) throw new Error(`two contracts for ${c.method} ${c.path}`);
    const parameters = [...pathParameters(c), ...queryParameters(c)];
    item[method] = {
      operationId: operationId(c),
      tags: [c.tag],
      summary: c.summary,
      ...(c.description || c.testOnly
        ? {
            description: [c.description, c.testOnly ? "Off in production unless `ENABLE_TEST_ENDPOINTS=1`." : ""].filter(Boolean).join(" "),
          }
        : {}),
      security: security(c),
      ...(parameters.length ? { parameters } : {}),
      ...(c.csv
        ? {
            requestBody: {
              required: true,
              content: { "text/csv": { schema: { type: "string", description: "a CSV file, header first" } } },
            },
          }
        : {}),
      ...(c.body
        ? {
            requestBody: {
              required: true,
              content: { [c.form ? "application/x-www-form-urlencoded" : "application/json"]: { schema: inputSchema(c.body) } },
            },
          }
        : {}),
      responses: responses(c, refOf),
    };
  }

  return {
    openapi: "3.1.1",
    info: {
      title: "RiskPulse API",
      version: opts.version,
      description:
        "JSON everywhere; errors are `{error, code, details?}`: `error` in words, `code` a stable name (e.g. `unauthorized`, `forbidden`, `not_found`, `invalid_input`, `rate_limited`, `unavailable`), `details` `[{field, message}]` for bad input. Paged lists take `page` (from 1) and `page_size` (1–200); a page past row 100,000 is refused with 400 `page_too_deep`. Cookie-authenticated changes must be same-origin. The real-time protocol (Socket.IO, plain WebSocket, SSE, polling) is described in `/api/asyncapi.json`.",
    },
    servers: [{ url: "/", description: "this server" }],
    tags: TAGS,
    paths,
    components: {
      schemas,
      securitySchemes: {
        sessionCookie: {
          type: "apiKey",
          in: "cookie",
          name: "next-auth.session-token",
          description:
            "The browser session (`__Secure-next-auth.session-token` over https). Sign in with POST /api/auth/callback/credentials.",
        },
        bearerToken: {
          type: "http",
          scheme: "bearer",
          description: "An API token (`Authorization: Bearer <token>`), created at /account.",
        },
        queryToken: {
          type: "apiKey",
          in: "query",
          name: "token",
          description: "An API token in the URL: the SSE streams only (EventSource cannot set a header); refused elsewhere.",
        },
        metricsToken: { type: "http", scheme: "bearer", description: "METRICS_TOKEN, for Prometheus." },
      },
    },
  };
}
