// Domain events: what happened, published by domain services after their transaction commits.
// Broadcasters subscribe; domain code never imports a transport (Socket.IO, SSE).
import type { AlertDto, QuotaDto, ViolationDto } from "./quota/dto";

export type Change = "created" | "updated" | "deleted";

export interface ThrottleChange {
  user_id: number;
  username: string;
  command_type: string;
  throttle_factor: number;
  previous_factor: number;
  band: string;
}

export type DomainEvent =
  | { type: "risk.changed"; riskId: number; change: Change }
  | { type: "mitigation.changed"; mitigationId: number; riskId: number; change: Change }
  | { type: "command.executed"; userId: number; commandType: string; allowed: boolean }
  | { type: "violation.created"; violation: ViolationDto }
  | { type: "alert.raised"; alert: AlertDto }
  | { type: "alert.acknowledged"; alert: AlertDto }
  | { type: "quota.changed"; quota: QuotaDto; change: Change }
  | { type: "throttle.changed"; throttle: ThrottleChange };

export interface EventPublisher {
  publish(event: DomainEvent): void;
}

/** For code paths (seeding, scripts) where nobody listens. */
export const noEvents: EventPublisher = { publish() {} };
