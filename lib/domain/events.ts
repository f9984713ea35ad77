// Domain events: what happened, published by domain services after their transaction commits.
// Broadcasters, caches and live connections subscribe; domain code never imports a transport.
// Events are plain JSON (no Dates) so cluster mode can carry them between instances.
import type { Tx } from "../db/client";
import type { AcceptanceDto } from "./acceptance-rules";
import type { AlertDto, QuotaDto, ViolationDto } from "./quota/dto";
import type { NotificationDto } from "./notifications";

export type Change = "created" | "updated" | "deleted";

export interface ThrottleChange {
  user_id: number;
  username: string;
  command_type: string;
  throttle_factor: number;
  previous_factor: number;
  band: string;
}

/** What the dashboard needs to know of a risk (times in epoch ms). */
export interface RiskFact {
  id: number;
  title: string;
  severity: string;
  likelihood: number;
  impact: number;
  score: number;
  status: string;
  openedAt: number;
  /** Register fields (optional: events from instances of an older version carry none). */
  treatment?: string | null;
  /** The residual values in effect (the inherent ones when unset). */
  residualLikelihood?: number;
  residualImpact?: number;
  nextReviewAt?: number | null;
}
export interface MitigationFact {
  id: number;
  riskId: number;
  title: string;
  status: string;
  completionPercent: number;
  dueDate: number;
}

export type DomainEvent =
  | {
      type: "risk.changed";
      /** The dashboard change sequence number the write took (dashboard/sequence.ts). */
      seq: number;
      change: Change;
      riskId: number;
      before: RiskFact | null;
      after: RiskFact | null;
      removedMitigations?: MitigationFact[];
    }
  | {
      type: "mitigation.changed";
      seq: number;
      change: Change;
      mitigationId: number;
      riskId: number;
      before: MitigationFact | null;
      after: MitigationFact | null;
    }
  /** A CSV import committed (one transaction, one dashboard sequence number): the dashboard re-reads once. */
  | { type: "risks.imported"; seq: number; created: number; updated: number }
  /** A risk acceptance was requested or moved on (approved, rejected, revoked, expired). */
  | { type: "acceptance.changed"; change: "requested" | "approved" | "rejected" | "revoked" | "expired"; acceptance: AcceptanceDto }
  | { type: "command.executed"; userId: number; commandType: string; allowed: boolean }
  | { type: "violation.created"; violation: ViolationDto }
  | { type: "alert.raised"; alert: AlertDto }
  | { type: "alert.acknowledged"; alert: AlertDto }
  | { type: "quota.changed"; quota: QuotaDto; change: Change; username?: string | null }
  /** An admin changed an alert rule (ruleId 0: the defaults were seeded); every instance reloads its rules. */
  | { type: "alert_rule.changed"; ruleId: number; change: Change }
  | { type: "throttle.changed"; throttle: ThrottleChange }
  | { type: "token.revoked"; tokenId: number; userId: number }
  | { type: "user.changed"; userId: number; change: Change }
  /** A risk or mitigation got a new owner (set or changed to them by someone else). */
  | {
      type: "owner.assigned";
      entity: "risk" | "mitigation";
      id: number;
      riskId: number;
      title: string;
      ownerId: number;
      actorId: number | null;
    }
  /** An open mitigation passed its due date (claimed once per due date, cluster-wide). */
  | {
      type: "mitigation.overdue";
      mitigation: { id: number; risk_id: number; title: string; due_date: string; status: string; owner_id: number | null };
    }
  /** A notification was written for `notification.user_id`; `unread`: their count after it. */
  | { type: "notification.created"; notification: NotificationDto; unread: number }
  /** A user marked notifications read (`ids`, or all); `unread`: their count after it. */
  | { type: "notifications.read"; userId: number; ids: number[] | "all"; unread: number; readAt: string }
  /** Sessions ended server-side: the listed ones, or all of the user's except `keep`. */
  | { type: "session.revoked"; userId: number; sessionIds?: string[]; keep?: string };

export type DomainEventType = DomainEvent["type"];

/**
 * Events every instance of a cluster must see (caches, live connections, the dashboard's
 * dirty mark). The rest are turned into channel messages by the instance that made them.
 */
export const CLUSTER_EVENTS: ReadonlySet<DomainEventType> = new Set([
  "risk.changed",
  "risks.imported",
  "mitigation.changed",
  "acceptance.changed",
  "quota.changed",
  "alert_rule.changed",
  "token.revoked",
  "user.changed",
  "session.revoked",
]);

export interface EventPublisher {
  publish(event: DomainEvent): void;
  /**
   * Writes what must commit with the event, inside the transaction that makes it (its webhook
   * and e-mail outbox rows): the change and its deliveries commit together or not at all.
   * Called before commit; publish() follows after it. Optional: nothing is staged without it.
   */
  stage?(tx: Tx, event: DomainEvent): Promise<void>;
}

/** Writes an event's deliveries in a transaction (the outbox, lib/domain/webhooks/outbox.ts). */
export interface EventStager {
  stage(tx: Tx, event: DomainEvent): Promise<void>;
}

/** For code paths (seeding, scripts) where nobody listens. */
export const noEvents: EventPublisher = { publish() {} };
