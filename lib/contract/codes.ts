// Every refusal and in-band error code of the real-time API, named once. `terminal` codes mean
// retrying cannot help until the user acts (signs in again, asks an admin); every other code is
// worth retrying with backoff. The server sends { code, error } with these names on every
// transport; the browser decides with isTerminal(). REST answers use these and REST_CODES below.
// Imports nothing (the browser uses it).
export const CODES = {
  unauthorized: { status: 401, terminal: true, message: "unauthorized: sign in or pass a valid API token" },
  session_ended: { status: 401, terminal: true, message: "your session has ended: sign in again" },
  session_expired: { status: 401, terminal: true, message: "your session has expired: sign in again" },
  token_revoked: { status: 401, terminal: true, message: "this API token was revoked" },
  token_expired: { status: 401, terminal: true, message: "this API token has expired" },
  account_disabled: { status: 403, terminal: true, message: "this account is disabled" },
  forbidden: { status: 403, terminal: true, message: "forbidden" },
  cross_origin: { status: 403, terminal: true, message: "forbidden: cross-origin session handshake" },
  unknown_namespace: { status: 404, terminal: true, message: "unknown namespace" },
  unknown_risk: { status: 404, terminal: true, message: "no such risk (it may have been deleted)" },
  capacity: { status: 503, terminal: false, message: "too many connections on this instance; retry later or use another instance" },
  user_connection_limit: { status: 429, terminal: false, message: "too many live connections for this user; close a tab or retry later" },
  rate_limited: { status: 429, terminal: false, message: "rate limit reached; retry later" },
  unknown_command: { status: 400, terminal: false, message: "unknown command" },
  bad_request: { status: 400, terminal: false, message: "bad request" },
  slow_consumer: { status: 503, terminal: false, message: "the client fell too far behind; reconnect to resume" },
  shutdown: { status: 503, terminal: false, message: "the server is shutting down; reconnect to resume" },
  unavailable: { status: 503, terminal: false, message: "temporarily unavailable; retry shortly" },
  internal: { status: 500, terminal: false, message: "internal error; retry" },
} as const satisfies Record<string, { status: number; terminal: boolean; message: string }>;

export type Code = keyof typeof CODES;

/** Is this a code of the real-time catalogue (CODES)? Anything a peer sends may be checked with it. */
export const isCode = (c: unknown): c is Code => typeof c === "string" && Object.hasOwn(CODES, c);

/**
 * Codes only REST answers carry, beside CODES (which REST refusals use too: `unauthorized`,
 * `forbidden`, `rate_limited`, `unavailable` …). Every REST error body has a code of one of the
 * two catalogues (README "REST API"; test/integration/rest-errors.test.ts walks the routes).
 */
export const REST_CODES = {
  invalid_input: { status: 400, message: "the input is not valid: see details [{field, message}]" },
  import_invalid: { status: 400, message: "the import has problems and wrote nothing: details.errors lists them by line" },
  invalid_json: { status: 400, message: "the body is not valid JSON" },
  bad_path: { status: 400, message: "the path is not valid URL encoding" },
  page_too_deep: { status: 400, message: "a page past row 100,000: narrow the filters" },
  blocked_target: { status: 400, message: "a webhook may not reach loopback, private, link-local or metadata addresses" },
  wrong_credentials: { status: 401, message: "wrong e-mail or password" },
  token_in_query: { status: 401, message: "?token= is accepted only on the SSE and WebSocket handshakes" },
  session_required: { status: 403, message: "needs a signed-in session, not an API token" },
  current_password_required: { status: 403, message: "confirm with your current password" },
  current_password_wrong: { status: 403, message: "your current password is wrong" },
  four_eyes: { status: 403, message: "you requested this acceptance: another admin must decide it" },
  form_expired: { status: 403, message: "the sign-in form has expired: reload the page" },
  not_found: { status: 404, message: "not found" },
  method_not_allowed: { status: 405, message: "method not allowed" },
  conflict: { status: 409, message: "conflicts with the current state" },
  edit_conflict: { status: 409, message: "someone else changed it since the version you edited: details.current holds its values now" },
  acceptance_pending: { status: 409, message: "the risk already has a pending acceptance request: details.acceptance is it" },
  acceptance_closed: { status: 409, message: "the acceptance is no longer in a state that allows this: details.acceptance is it now" },
  length_required: { status: 411, message: "Content-Length required" },
  payload_too_large: { status: 413, message: "the body is too large" },
  unsupported_media_type: { status: 415, message: "the body's content-type is not accepted" },
  upgrade_required: { status: 426, message: "this endpoint speaks WebSocket only" },
} as const satisfies Record<string, { status: number; message: string }>;

/** A code a REST error body may carry: the real-time catalogue's or a REST-only one. */
export type RestCode = Code | keyof typeof REST_CODES;

/** Is this a code a REST error body may carry (CODES or REST_CODES)? */
export const isRestCode = (c: unknown): c is RestCode => isCode(c) || (typeof c === "string" && Object.hasOwn(REST_CODES, c));

/**
 * The code a REST refusal carries when its thrower named none, by status: 404 `not_found`, 409
 * `conflict`, 429 `rate_limited` …; an unexpected status is `internal` (a bug to name properly).
 */
export function restCodeOfStatus(status: number): RestCode {
  const byStatus: Record<number, RestCode> = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    411: "length_required",
    413: "payload_too_large",
    415: "unsupported_media_type",
    426: "upgrade_required",
    429: "rate_limited",
    503: "unavailable",
  };
  return byStatus[status] ?? "internal";
}

/** Retrying cannot help: stop and tell the user. Unknown codes are retried. */
export const isTerminal = (c: unknown): boolean => isCode(c) && CODES[c].terminal;

/** What a refusal or error carries on the wire. */
export interface ErrorData {
  code: Code;
  error: string;
  /** Milliseconds after which a retry may succeed (rate limits). */
  retry_after_ms?: number;
}

/**
 * The close code a plain WebSocket ends with after telling a client why: 4000 + the code's HTTP
 * status (4401 sign in again, 4403 not allowed, 4429 too many, 4503 retry later, …). The close
 * reason is the code's name, e.g. `slow_consumer` (README "Plain WebSocket").
 */
export const closeCodeOf = (c: Code): number => 4000 + CODES[c].status;

/**
 * The payload of an `error` message or a refusal: the code, in words (the catalogue's unless
 * given), and extras such as `retry_after_ms`. Every transport sends it as it is.
 *
 * @example
 * errorData("rate_limited", "refresh rate limit: retry in 4s", { retry_after_ms: 4000 });
 */
export function errorData(code: Code, error: string = CODES[code].message, extra: Partial<ErrorData> = {}): ErrorData {
  return { code, error, ...extra };
}
