import type { ZodError } from "zod";
import { isDomainError } from "../domain/errors";
import type { Logger } from "../log";

export function json(body: unknown, status = 200, headers?: HeadersInit): Response {
  return Response.json(body, { status, headers: { "cache-control": "no-store", ...headers } });
}

export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly details?: unknown) {
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

export function errorResponse(err: unknown, log?: Logger): Response {
  if (isZodError(err)) return json({ error: "validation failed", details: zodDetails(err) }, 400);
  if (err instanceof HttpError || isDomainError(err)) {
    return json({ error: err.message, ...(err.details !== undefined ? { details: err.details } : {}) }, err.status);
  }
  const code = (err as { code?: string })?.code;
  if (code === "P2025") return json({ error: "not found" }, 404);
  if (code === "P2002") return json({ error: "already exists" }, 409);
  log?.error({ err }, "unhandled error in route");
  return json({ error: "internal error" }, 500);
}
