// Errors as {error, code?, details?} with the right status. A database that cannot be reached (or
// does not answer in time) is 503 with Retry-After — a client should retry, and no SQL, host
// or port ever reaches the body.
import type { ZodError } from "zod";
import { isRestCode, restCodeOfStatus, type RestCode } from "../contract/codes";
import { restError } from "../contract/rest-error";
import { isDomainError } from "../domain/errors";
import type { Logger } from "../log";

/** A JSON answer that no cache keeps. */
export function json(body: unknown, status = 200, headers?: HeadersInit): Response {
  return Response.json(body, { status, headers: { "cache-control": "no-store", ...headers } });
}

/**
 * The one way a REST error is answered: `{error, code, details?}` (contract/rest-error.ts) with
 * its status and headers. Every error body of every route is made here.
 */
export function errorJson(status: number, error: string, opts: { code: RestCode; details?: unknown; headers?: HeadersInit }): Response {
  return json(restError(error, opts), status, opts.headers);
}

/** Thrown by route code for an answer other than 2xx; errorResponse() turns it into errorJson(). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
    /** A stable machine-readable name for the refusal, sent as the body's `code` (default: its status's, restCodeOfStatus). */
    readonly code?: RestCode,
  ) {
    super(message);
  }
}

/** Zod issues as `[{field, message}]`, naming the field a client got wrong. */
export function zodDetails(err: ZodError) {
  return err.issues.map((i) => ({ field: i.path.join(".") || "(body)", message: i.message }));
}

// zod may be loaded twice too (see domain/errors.ts).
const isZodError = (err: unknown): err is ZodError =>
  err instanceof Error && err.name === "ZodError" && Array.isArray((err as ZodError).issues);

const UNAVAILABLE_CODES = new Set([
  "P1001",
  "P1002",
  "P1008",
  "P1017",
  "P2024",
  "P2028",
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "57P01",
  "57P03",
  "53300",
  "57014",
  "SQLITE_BUSY",
]);
const UNAVAILABLE_KINDS = new Set([
  "DatabaseNotReachable",
  "DatabaseDoesNotExist",
  "SocketTimeout",
  "ConnectionClosed",
  "TooManyConnections",
  "TransactionAlreadyClosed",
]);
const UNAVAILABLE_TEXT =
  /Query read timeout|Connection terminated|timeout exceeded when trying to connect|Connection refused|Can't reach database|Transaction already closed|Unable to start a transaction|database is locked|canceling statement due to statement timeout|Client has encountered a connection error/i;

/** The database is down, unreachable or not answering: worth retrying shortly. */
export function isDbUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    const x = e as {
      code?: unknown;
      message?: unknown;
      meta?: { driverAdapterError?: { cause?: { kind?: string; originalCode?: string } } };
      cause?: unknown;
      kind?: string;
    };
    if (typeof x.code === "string" && UNAVAILABLE_CODES.has(x.code)) return true;
    const cause = x.meta?.driverAdapterError?.cause;
    if (cause?.kind && UNAVAILABLE_KINDS.has(cause.kind)) return true;
    if (cause?.originalCode && UNAVAILABLE_CODES.has(cause.originalCode)) return true;
    if (typeof x.kind === "string" && UNAVAILABLE_KINDS.has(x.kind)) return true;
    if (typeof x.message === "string" && UNAVAILABLE_TEXT.test(x.message)) return true;
    e = x.cause;
  }
  return false;
}

export const RETRY_AFTER_S = 5;

/** Any error thrown by route code, as the answer a client gets (never a stack, SQL or host). */
export function errorResponse(err: unknown, log?: Logger, onDbError?: () => void): Response {
  if (isZodError(err)) return errorJson(400, "validation failed", { code: "invalid_input", details: zodDetails(err) });
  if (err instanceof HttpError || isDomainError(err)) {
    return errorJson(err.status, err.message, {
      // The domain names its codes as plain strings (it sits below the contract); an uncatalogued one is a bug, answered by status.
      code: isRestCode(err.code) ? err.code : restCodeOfStatus(err.status),
      details: err.details,
      headers: err instanceof HttpError ? err.headers : undefined,
    });
  }
  if (isDbUnavailable(err)) {
    onDbError?.();
    log?.warn({ err: (err as Error)?.message }, "database unavailable");
    return errorJson(503, "the database is unavailable; retry shortly", {
      code: "unavailable",
      headers: { "retry-after": String(RETRY_AFTER_S) },
    });
  }
  const code = (err as { code?: string })?.code;
  if (code === "P2025") return errorJson(404, "not found", { code: "not_found" });
  if (code === "P2002") return errorJson(409, "already exists", { code: "conflict" });
  onDbError?.();
  log?.error({ err }, "unhandled error in route");
  return errorJson(500, "internal error", { code: "internal" });
}
