// Selective subscriptions: the dashboard sections a client can ask for (README "Real-time
// protocol", sections). A client that names some gets a snapshot and patches carrying only those
// (plus `version`); a change touching none of them sends it nothing. No sections — or all of
// them — is the whole dashboard, exactly as the original clients get it. The one zod schema every
// transport validates with (Socket.IO `auth.sections` and `subscribe`, SSE and polling
// `?sections=a,b`, the plain WebSocket's `?sections=` and `{"action":"subscribe"}`).
import { z } from "zod";
import type { DashboardSnapshot } from "../domain/dashboard/snapshot";

/** Every section, in the snapshot's order: the snapshot's top-level keys. */
export const SECTION_NAMES = [
  "metrics",
  "risk_trends",
  "severity_distribution",
  "mitigation_status",
  "top_risks",
  "mitigation_progress",
  "risk_matrix",
  "risks_by_treatment",
  "review_status",
] as const satisfies readonly (keyof DashboardSnapshot)[];

export type Section = (typeof SECTION_NAMES)[number];

// Every key of the snapshot is a section (a new figure must be named here to be subscribable).
type Unnamed = Exclude<keyof DashboardSnapshot, Section>;
const _everyKeyIsASection: [Unnamed] extends [never] ? true : false = true;
void _everyKeyIsASection;

export const isSection = (s: unknown): s is Section => typeof s === "string" && (SECTION_NAMES as readonly string[]).includes(s);

/** A list of sections as a client sends it (a repeat is harmless; an unknown name is refused). */
export const sectionsSchema = z
  .array(z.enum(SECTION_NAMES, { message: `not a dashboard section; one of ${SECTION_NAMES.join(", ")}` }))
  .max(SECTION_NAMES.length * 2);

/** `?sections=a,b` as SSE and polling take it (empty: everything). */
export const sectionsQuerySchema = z
  .string()
  .max(256)
  .transform((s) =>
    s
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean),
  )
  .pipe(sectionsSchema);

/** The subscribe command's argument (Socket.IO) and the plain WebSocket's `{"action":"subscribe"}` body. */
export const subscribeSchema = z.object({ sections: sectionsSchema });

/**
 * The canonical form of a subscription: the sections in SECTION_NAMES order, each once, or
 * null for the whole dashboard (none named, or all of them). Clients with the same canonical
 * set share one computed patch per change.
 *
 * @example
 * canonicalSections(["top_risks", "metrics", "metrics"]); // ["metrics", "top_risks"]
 * canonicalSections([]); // null
 */
export function canonicalSections(list: readonly Section[] | null | undefined): readonly Section[] | null {
  if (!list || list.length === 0) return null;
  const set = new Set(list);
  const out = SECTION_NAMES.filter((s) => set.has(s));
  return out.length === SECTION_NAMES.length ? null : out;
}

/** The name of a canonical set ("" for the whole dashboard): `metrics,top_risks`. */
export const sectionsKey = (sections: readonly Section[] | null): string => (sections ? sections.join(",") : "");

/** A parsed section list: the canonical set (null: everything), or what was wrong, per field. */
export type ParsedSections =
  { ok: true; sections: readonly Section[] | null } | { ok: false; error: string; details: { field: string; message: string }[] };

/**
 * Parses a section list from untrusted input: an array, or `a,b` text (absent: everything). An
 * unknown name is refused, naming it.
 *
 * @example
 * parseSections("top_risks,metrics"); // { ok: true, sections: ["metrics", "top_risks"] }
 * parseSections(["nope"]).ok; // false
 */
export function parseSections(input: unknown): ParsedSections {
  if (input === undefined || input === null) return { ok: true, sections: null };
  const r = typeof input === "string" ? sectionsQuerySchema.safeParse(input) : sectionsSchema.safeParse(input);
  if (r.success) return { ok: true, sections: canonicalSections(r.data) };
  const details = r.error.issues.map((i) => ({ field: ["sections", ...i.path].join("."), message: i.message }));
  return { ok: false, error: `sections: ${details.map((d) => d.message).join("; ")}`, details };
}
