// Browser-side JSON calls to our REST API, with the server's {error, details} surfaced.
export interface FieldError {
  field: string;
  message: string;
}
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields: FieldError[] = [],
    /** The body's `code` and `details` (e.g. `edit_conflict` with the current values). */
    readonly code?: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export async function api<T>(method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? undefined : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return undefined as T;
  const data = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
  if (!res.ok)
    throw new ApiError(
      res.status,
      data.error ?? `HTTP ${res.status}`,
      Array.isArray(data.details) ? data.details : [],
      data.code,
      data.details,
    );
  return data as T;
}
