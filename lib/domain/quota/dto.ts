// The quota console's wire shapes (REST and real-time) and the functions that build them.
import type { Alert, CommandQuota, Violation } from "../../db/generated/sqlite/client";

export interface QuotaDto {
  id: number;
  user_id: number | null;
  command_type: string;
  period: string;
  limit: number;
  updated_at: string;
}

export interface ViolationDto {
  id: number;
  user_id: number;
  username: string | null;
  command_type: string;
  period: string;
  limit: number;
  attempted: number;
  message: string;
  created_at: string;
  /** Set on synthetic messages from the test endpoints (nothing is stored). */
  test?: true;
}

export interface AlertDto {
  alert_id: number;
  /** quota_violation | high_utilization | sustained_throttling | high_system_load */
  alert_type: string;
  severity: "warning" | "critical";
  /** null: about the server (a system rule), not one user. */
  user_id: number | null;
  /** The rule that raised it (null once the rule is deleted). */
  rule_id?: number | null;
  username: string | null;
  message: string;
  violation_count: number;
  action_needed: boolean;
  created_at: string;
  acknowledged_at: string | null;
  acknowledged_by: number | null;
  acknowledged_by_name?: string | null;
  test?: true;
}

export function quotaDto(q: CommandQuota): QuotaDto {
  return {
    id: q.id,
    user_id: q.userId,
    command_type: q.commandType,
    period: q.period,
    limit: q.limit,
    updated_at: q.updatedAt.toISOString(),
  };
}

export function violationDto(v: Violation & { user?: { name: string } | null }): ViolationDto {
  return {
    id: v.id,
    user_id: v.userId,
    username: v.user?.name ?? null,
    command_type: v.commandType,
    period: v.period,
    limit: v.limit,
    attempted: v.attempted,
    message: v.message,
    created_at: v.createdAt.toISOString(),
  };
}

export function alertDto(a: Alert & { user?: { name: string } | null; acknowledgedBy?: { name: string } | null }): AlertDto {
  return {
    alert_id: a.id,
    alert_type: a.alertType,
    severity: a.severity === "critical" ? "critical" : "warning",
    user_id: a.userId,
    rule_id: a.ruleId,
    username: a.user?.name ?? null,
    message: a.message,
    violation_count: a.violationCount,
    action_needed: a.acknowledgedAt === null,
    created_at: a.createdAt.toISOString(),
    acknowledged_at: a.acknowledgedAt?.toISOString() ?? null,
    acknowledged_by: a.acknowledgedById,
    acknowledged_by_name: a.acknowledgedBy?.name ?? null,
  };
}
