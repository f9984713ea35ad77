// Input rules shared by every schema at the edge: values the databases cannot store are refused
// as 400 here instead of failing as 500 there (PostgreSQL rejects NUL in text, INT4 ids stop at
// 2^31−1, timestamps need a real year).
import { z } from "zod";

export const MAX_INT4 = 2_147_483_647;

/** A text field: no NUL character (PostgreSQL cannot store it in text). */
export const text = () => z.string().refine((s) => !s.includes("\u0000"), "must not contain NUL characters");

/** A database id in a body or query. */
export const dbId = () => z.number().int().positive().max(MAX_INT4, `at most ${MAX_INT4}`);
export const dbIdQuery = () => z.coerce.number().int().positive().max(MAX_INT4, `at most ${MAX_INT4}`);

const inRange = (d: Date) => d.getUTCFullYear() >= 1970 && d.getUTCFullYear() <= 9999;
/** An ISO-8601 date-time with offset, between 1970 and 9999. */
export const boundedDate = z.iso
  .datetime({ offset: true })
  .transform((s) => new Date(s))
  .refine(inRange, "must be between 1970 and 9999");
/** An ISO date or date-time, between 1970 and 9999. */
export const boundedDay = z.iso
  .datetime({ offset: true })
  .or(z.iso.date())
  .transform((s) => new Date(s))
  .refine(inRange, "must be between 1970 and 9999");
