import { z } from "zod";

/**
 * A PATCH schema from default-free fields: every field optional, unknown keys refused, and at
 * least one present. Built from the bare fields (not from a create schema's .partial()), so no
 * default can sneak in and reset a field the client did not name.
 */
export function updateSchema<S extends z.ZodRawShape>(fields: S) {
  return z
    .strictObject(fields)
    .partial()
    .refine((v) => Object.keys(v).length > 0, { message: "at least one field to update is required" });
}
