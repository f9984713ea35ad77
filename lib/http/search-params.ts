// A GET form sends its blank fields as `name=`: blank means "no filter", not an invalid one.
export function filledParams(params: URLSearchParams | Record<string, string | string[] | undefined>): Record<string, string> {
  const entries = params instanceof URLSearchParams ? [...params] : Object.entries(params);
  const out: Record<string, string> = {};
  for (const [k, v] of entries) {
    const value = Array.isArray(v) ? v[0] : v;
    if (value !== undefined && value.trim() !== "") out[k] = value;
  }
  return out;
}

/** A parsed list query with paging (its depth is bounded: see domain/pagination.ts). */
export const isPaged = (q: unknown): q is { page: number; page_size: number } =>
  typeof q === "object" &&
  q !== null &&
  typeof (q as { page?: unknown }).page === "number" &&
  typeof (q as { page_size?: unknown }).page_size === "number";

/** A form's days as the API's instants: `fromKey` at 00:00 UTC, `toKey` through the end of its day. */
export function dayRange(raw: Record<string, string>, fromKey: string, toKey: string): Record<string, string> {
  const day = /^\d{4}-\d{2}-\d{2}$/;
  const out = { ...raw };
  if (raw[fromKey] && day.test(raw[fromKey])) out[fromKey] = `${raw[fromKey]}T00:00:00Z`;
  if (raw[toKey] && day.test(raw[toKey])) out[toKey] = `${raw[toKey]}T23:59:59.999Z`;
  return out;
}
