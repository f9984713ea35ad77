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
