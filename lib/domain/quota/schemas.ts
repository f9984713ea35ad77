import { z } from "zod";
import { pageQuery } from "../pagination";
import { boundedDate, dbId, dbIdQuery } from "../schema-helpers";
import { PERIODS } from "./periods";

export const commandType = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_-]{0,31}$/, "command_type: lower-case letters, digits, - and _ (max 32)");

export const commandSchema = z.strictObject({
  command_type: commandType,
  /** Admins may record a command for another user. */
  user_id: dbId().optional(),
});

export const quotaSetSchema = z.strictObject({
  /** Omitted or null: the default for everyone. */
  user_id: dbId().nullable().optional(),
  command_type: commandType,
  period: z.enum(PERIODS),
  limit: z.number().int().min(0).max(1_000_000_000),
});

export const quotaListSchema = z.object({
  user_id: dbIdQuery().optional(),
  command_type: commandType.optional(),
});

export const violationListSchema = z.object({
  user_id: dbIdQuery().optional(),
  command_type: commandType.optional(),
  period: z.enum(PERIODS).optional(),
  since: boundedDate.optional(),
  until: boundedDate.optional(),
  ...pageQuery,
});

export const alertListSchema = z.object({
  status: z.enum(["open", "acknowledged", "all"]).default("all"),
  severity: z.enum(["warning", "critical"]).optional(),
  user_id: dbIdQuery().optional(),
  since: boundedDate.optional(),
  until: boundedDate.optional(),
  ...pageQuery,
});

export type CommandInput = z.infer<typeof commandSchema>;
export type QuotaSet = z.infer<typeof quotaSetSchema>;
export type ViolationList = z.infer<typeof violationListSchema>;
export type AlertList = z.infer<typeof alertListSchema>;
