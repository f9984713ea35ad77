// Domain errors carry what the HTTP edge needs to answer with the right status; the domain
// itself knows nothing about HTTP. Services run in server.ts's module graph and route handlers
// in Next's bundle, so each has its own copy of this class: recognise errors by a global
// brand, never by instanceof.
const BRAND = Symbol.for("riskpulse.domain-error");

export class DomainError extends Error {
  readonly [BRAND] = true;
  constructor(
    message: string,
    readonly status: number,
    readonly details?: unknown,
    /** A stable machine-readable name for the refusal, sent as the body's `code`: a name of contract/codes.ts (REST_CODES). */
    readonly code?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export function isDomainError(err: unknown): err is DomainError {
  return typeof err === "object" && err !== null && (err as Record<symbol, unknown>)[BRAND] === true;
}
export class NotFoundError extends DomainError {
  constructor(what: string, id: number | string) {
    super(`${what} ${id} not found`, 404, undefined, "not_found");
  }
}
export class ValidationError extends DomainError {
  constructor(message: string, details?: unknown, code = "invalid_input") {
    super(message, 400, details, code);
  }
}
/** A change that needs the acting user to prove who they are (403, with a `code`). */
export class ReauthError extends DomainError {
  constructor(message: string, code: string, details?: unknown) {
    super(message, 403, details, code);
  }
}
export class ConflictError extends DomainError {
  constructor(message: string, details?: unknown) {
    super(message, 409, details, "conflict");
  }
}
