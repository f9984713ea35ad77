import type { Envelope } from "../../envelope";

export type SourceName = "websocket" | "sse" | "polling";

/** What a source reports to the connection manager. */
export interface SourceEvents {
  open(): void;
  message(env: Envelope): void;
  /** The source failed or dropped; `fatal` when retrying cannot help (401/403). */
  fail(error: string, fatal?: boolean): void;
  /** What was missed could not be replayed: refetch state another way. */
  resync(): void;
}

export interface Source {
  readonly name: SourceName;
  /** Starts (or restarts) delivery after the last envelope id the page has seen. */
  start(lastId: string | null): void;
  stop(): void;
  readonly live: boolean;
}

export const CHANNEL_PATHS = {
  dashboard: { socket: "/dashboard", sse: "/api/v1/sse/dashboard", poll: "/api/v1/events/dashboard", snapshot: { url: "/api/v1/dashboard", type: "dashboard_update" } },
  quotas: { socket: "/admin/quotas", sse: "/api/v1/sse/admin/quotas", poll: "/api/v1/events/quotas", snapshot: { url: "/api/v1/quotas/stats", type: "stats" } },
} as const;

/** SSE only delivers named events we listen for: every type a channel can carry. */
export const CHANNEL_EVENTS = {
  dashboard: ["dashboard_update", "dashboard_patch", "error", "resync", "pong", "test"],
  quotas: ["stats", "violation", "alert", "quota_change", "throttle", "ping", "pong", "error", "resync", "test"],
} as const;
