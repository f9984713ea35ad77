// Every refusal and in-band error code of the real-time API, named once. `terminal` codes mean
// retrying cannot help until the user acts (signs in again, asks an admin); every other code is
// worth retrying with backoff. The server sends { code, error } with these names on every
// transport; the browser decides with isTerminal(). Imports nothing (the browser uses it).
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

export const isCode = (c: unknown): c is Code => typeof c === "string" && Object.hasOwn(CODES, c);

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

export function errorData(code: Code, error: string = CODES[code].message, extra: Partial<ErrorData> = {}): ErrorData {
  return { code, error, ...extra };
}
