// The filter bar every list page has: a GET form (the URL holds the filters, so a view can be
// shared and reloaded), selects whose blank choice means "no filter", and a notice when the URL
// held a filter that was not understood (it is ignored rather than failing the page).
import type { z } from "zod";
import { withinPageDepth } from "@/lib/domain/pagination";
import { filledParams, isPaged } from "@/lib/http/search-params";

export function FilterForm({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <form className="toolbar" method="get" role="search" aria-label={label}>
      {children}
      <button type="submit" className="secondary">
        Apply
      </button>
    </form>
  );
}

/** A select with a first blank option ("any"); options are values, or [value, label] pairs. */
export function FilterSelect({
  name,
  label,
  value,
  options,
  any = "any",
}: {
  name: string;
  label: string;
  value: string | number | boolean | undefined;
  options: readonly (string | readonly [string, string])[];
  any?: string | null;
}) {
  return (
    <label>
      {label}
      <select name={name} defaultValue={value === undefined ? "" : String(value)}>
        {any !== null && <option value="">{any}</option>}
        {options.map((o) => {
          const [v, text] = typeof o === "string" ? [o, o] : o;
          return (
            <option key={v} value={v}>
              {text}
            </option>
          );
        })}
      </select>
    </label>
  );
}

export function IgnoredFilters({ ok }: { ok: boolean }) {
  return ok ? null : <div className="notice">Some filters were not understood and were ignored.</div>;
}

/**
 * A list page's query from its URL: blank fields dropped, `prepare` applied (e.g. days → instants),
 * validated; on a bad filter, the defaults (the page still renders, with IgnoredFilters saying so).
 */
export async function listQuery<S extends z.ZodType>(
  schema: S,
  searchParams: Promise<Record<string, string>>,
  opts: { defaults?: Record<string, string>; prepare?: (raw: Record<string, string>) => Record<string, string> } = {},
): Promise<{ raw: Record<string, string>; q: z.infer<S>; ok: boolean }> {
  const raw = filledParams(await searchParams);
  const parsed = schema.safeParse({ ...opts.defaults, ...(opts.prepare ? opts.prepare(raw) : raw) });
  // A page past the deepest allowed one is ignored like any other bad filter (the first page shows).
  const ok = parsed.success && (!isPaged(parsed.data) || withinPageDepth(parsed.data));
  return { raw, q: ok ? parsed.data : schema.parse({ ...opts.defaults }), ok };
}
