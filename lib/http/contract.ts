// A route's contract: what a client may send (path parameters, query, body — the zod schemas the
// handler parses with), who may call it, and what it answers (bodies named in response-bodies.ts).
// Each route file under app/api hands its contract to its handler (route(), or contracted() for
// the few handlers outside the wrapper); contracts/ lists them all, and the OpenAPI document
// (lib/api-docs/openapi.ts) is built from that list. The contract test checks that every route
// file's handlers carry one, for their own method and path.
import type { z } from "zod";
import type { Role } from "../domain/roles";
import type { BodyName } from "./response-bodies";

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD";

/**
 * Who may call: `public` anyone; `user` a signed-in session or an API token; `admin` the same with
 * the admin role (the wrapper enforces it from here); `metrics` METRICS_TOKEN or an admin.
 */
export type Access = "public" | "user" | "admin" | "metrics";

export interface Reply {
  description: string;
  /** A JSON body, by its name in response-bodies.ts; none: an empty body. */
  body?: BodyName;
  /** A body that is not JSON (SSE, Prometheus text). */
  content?: "text/event-stream" | "text/plain" | "text/csv";
  /** Also answered as JSON (a body named in response-bodies.ts) when asked for, e.g. `?format=json`. */
  alsoJson?: BodyName;
  /** Response headers worth knowing, name → meaning. */
  headers?: Record<string, string>;
}

export interface RouteContract {
  method: Method;
  /** The OpenAPI path template: `/api/v1/risks/{id}` for app/api/v1/risks/[id]/route.ts. */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  access: Access;
  /** `?token=` is accepted (the SSE streams: EventSource cannot set a header). */
  queryToken?: boolean;
  /** Path parameters, name → meaning; a schema when the value is not a positive database id. */
  params?: Record<string, { description: string; schema?: z.ZodType }>;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The body is a form (application/x-www-form-urlencoded) instead of JSON. */
  form?: boolean;
  /** The body is a CSV file (text/csv) instead of JSON. */
  csv?: boolean;
  /** Answers beyond the ones every route of its kind may give (see openapi.ts: 400, 401, 403, 404, 413, 415, 503). */
  replies: Partial<Record<number, Reply>>;
  /** Served only with ENABLE_TEST_ENDPOINTS (404 otherwise). */
  testOnly?: boolean;
  /** The handler answers errors itself, not through the wrapper (no standard 400/415/503 set). */
  ownErrors?: boolean;
}

/** The role the wrapper requires for a contract's access. */
export const roleOf = (c: RouteContract): Role | undefined => (c.access === "admin" ? "admin" : undefined);

/** A route handler with the contracts it serves (a catch-all may serve several paths). */
export type Contracted<H> = H & { contracts: readonly RouteContract[] };

/** Marks a handler outside the route wrapper with its contract(s). */
export function contracted<H extends (...args: never[]) => unknown>(
  c: RouteContract | readonly RouteContract[],
  handler: H,
): Contracted<H> {
  return Object.assign(handler, { contracts: Array.isArray(c) ? c : [c as RouteContract] });
}
