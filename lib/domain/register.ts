// The register fields of a risk beyond its score (README "Risk register"): the treatment
// decided, the residual likelihood × impact (the target after treatment, with its own score),
// the review cadence that sets `next_review_at`, a category and tags. Shared by the risk
// service, the dashboard's matrix and the CSV import; imports nothing server-only so the
// browser can use the enumerations and the band function.
import { z } from "zod";
import { text } from "./schema-helpers";

export const TREATMENTS = ["mitigate", "accept", "transfer", "avoid"] as const;
export type Treatment = (typeof TREATMENTS)[number];
/** Treatment counts include the risks nobody has decided on yet. */
export const TREATMENT_KEYS = [...TREATMENTS, "undecided"] as const;
export type TreatmentKey = (typeof TREATMENT_KEYS)[number];

/** The heat map's five bands of a 0–1 value: [0, 0.2) → 1 … [0.8, 1] → 5 (the same comparisons as the SQL in risk-matrix.ts). */
export function band(x: number): number {
  return x >= 0.8 ? 5 : x >= 0.6 ? 4 : x >= 0.4 ? 3 : x >= 0.2 ? 2 : 1;
}
/** The lower and upper edge of a band, for the list filter a heat-map cell links to. */
export const bandRange = (b: number) => ({ min: (b - 1) / 5, max: b / 5 });

export const tagSchema = text()
  .trim()
  .min(1, "a tag is not empty")
  .max(40, "a tag is at most 40 characters")
  .regex(/^[^,;]+$/, "a tag has no comma or semicolon")
  .transform((t) => t.toLowerCase());
export const tagsField = z
  .array(tagSchema)
  .max(20, "at most 20 tags")
  .transform((ts) => [...new Set(ts)].sort());
export const categoryField = text().trim().min(1).max(80, "a category is at most 80 characters").nullable();
export const treatmentField = z.enum(TREATMENTS).nullable();
const unit = z.number().min(0).max(1);
export const residualField = unit.nullable();
