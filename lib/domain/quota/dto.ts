import type { Alert, CommandQuota, Violation } from "../../db/generated/sqlite/client";

export function quotaDto(q: CommandQuota) {
  return { id: q.id, user_id: q.userId, command_type: q.commandType, period: q.period, limit: q.limit, updated_at: q.updatedAt.toISOString() };
}
export type QuotaDto = ReturnType<typeof quotaDto>;

export function violationDto(v: Violation & { user?: { name: string } | null }) {
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
export type ViolationDto = ReturnType<typeof violationDto>;

export function alertDto(a: Alert & { user?: { name: string } | null }) {
  return {
    alert_id: a.id,
    alert_type: a.alertType,
    severity: a.severity,
    user_id: a.userId,
    username: a.user?.name ?? null,
    message: a.message,
    violation_count: a.violationCount,
    action_needed: a.acknowledgedAt === null,
    created_at: a.createdAt.toISOString(),
    acknowledged_at: a.acknowledgedAt?.toISOString() ?? null,
    acknowledged_by: a.acknowledgedById,
  };
}
export type AlertDto = ReturnType<typeof alertDto>;
