// The one shape of every REST error body: `{error, code?, details?}` — `error` in words for a
// person, `code` for a program (always one of codes.ts: CODES or REST_CODES, e.g. `page_too_deep`),
// `details` for what a program needs beyond that (`[{field, message}]` for bad input). Every
// error answer, from the route wrapper, the request guard and each route, is built by restError(),
// so every one the server sends has its `code` (the type keeps it optional for clients).
// Imports only the code catalogue (the browser reads it too).
import type { RestCode } from "./codes";

/** A REST error body. */
export interface RestError {
  error: string;
  code?: string;
  details?: unknown;
}

/**
 * Builds a REST error body with its catalogued code; `details` is left out when absent, not null.
 *
 * @example
 * restError("validation failed", { code: "invalid_input", details: [{ field: "title", message: "Required" }] });
 * restError("authentication required", { code: "unauthorized" });
 */
export function restError(error: string, opts: { code: RestCode; details?: unknown }): RestError {
  return { error, code: opts.code, ...(opts.details !== undefined ? { details: opts.details } : {}) };
}

/** Is this a REST error body? (The browser reads answers with it.) */
export function isRestError(body: unknown): body is RestError {
  if (typeof body !== "object" || body === null) return false;
  const b = body as Record<string, unknown>;
  return (
    typeof b.error === "string" &&
    (b.code === undefined || typeof b.code === "string") &&
    Object.keys(b).every((k) => k === "error" || k === "code" || k === "details")
  );
}
