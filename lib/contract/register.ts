// The register's enumerations as the browser needs them (the risk form, the heat map's
// treatment summary). The domain (lib/domain/register.ts) owns the values; these copies are
// checked against it at compile time, so they cannot drift. Imports types only.
import type { Treatment, TreatmentKey } from "../domain/register";

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;

export const TREATMENT_CHOICES = ["mitigate", "accept", "transfer", "avoid"] as const satisfies readonly Treatment[];
export const TREATMENT_COUNT_KEYS = [...TREATMENT_CHOICES, "undecided"] as const satisfies readonly TreatmentKey[];
const _all: Same<(typeof TREATMENT_CHOICES)[number], Treatment> = true;
const _keys: Same<(typeof TREATMENT_COUNT_KEYS)[number], TreatmentKey> = true;
void _all;
void _keys;
