// Domain events: what happened, published by domain services after their transaction commits.
// Broadcasters subscribe; domain code never imports a transport (Socket.IO, SSE).
export type Change = "created" | "updated" | "deleted";

export type DomainEvent =
  | { type: "risk.changed"; riskId: number; change: Change }
  | { type: "mitigation.changed"; mitigationId: number; riskId: number; change: Change };

export interface EventPublisher {
  publish(event: DomainEvent): void;
}

/** For code paths (seeding, scripts) where nobody listens. */
export const noEvents: EventPublisher = { publish() {} };
