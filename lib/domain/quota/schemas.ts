import { z } from "zod";
import { pageQuery } from "../pagination";
import { PERIODS } from "./periods";

export const commandType = z.string().trim().regex(/^[a-z][a-z0-9_-]{0,31}$/, "command_type: lower-case letters, digits, - and _ (max 32)");

export const commandSchema = z.strictObject({
  command_type: commandType,
  /** Admins may record a command for another user. */
  user_id: z.number().int().positive().optional(),
});

export const quotaSetSchema = z.strictObject({
  /** Omitted or null: the default for everyone. */
  user_id: z.number().int().positive().nullable().optional(),
  command_type: commandType,
  period: z.enum(PERIODS),
  limit: z.number().int().min(0).max(1_000_000_000),
});

export const quotaListSchema = z.object({
  user_id: z.coerce.number().int().positive().optional(),
  command_type: commandType.optional(),
});

export const violationListSchema = z.object({
  user_id: z.coerce.number().int().positive().optional(),
  command_type: commandType.optional(),
  since: z.iso.datetime({ offset: true }).transform((s) => new Date(s)).optional(),
  ...pageQuery,
});

export const alertListSchema = z.object({
  status: z.enum(["open", "acknowledged", "all"]).default("all"),
  severity: z.enum(["warning", "critical"]).optional(),
  user_id: z.coerce.number().int().positive().optional(),
  ...pageQuery,
});

export type CommandInput = z.infer<typeof commandSchema>;
export type QuotaSet = z.infer<typeof quotaSetSchema>;
export type ViolationList = z.infer<typeof violationListSchema>;
export type AlertList = z.infer<typeof alertListSchema>;
