// What cluster mode adds to an instance (cluster/start.ts builds it when REDIS_URL is set).
import type { Leadership } from "../realtime/leadership";
import type { LogBackend } from "../realtime/log/backend";

export interface ClusterView {
  instance: string;
  leader: string | null;
  redis: { ok: boolean; error: string | null };
  instances: { id: string; leader: boolean; clients: Record<string, number>; started_at: string; last_heartbeat: string }[];
}

export interface ClusterRuntime {
  backend: LogBackend;
  leadership: Leadership;
  ping(): Promise<unknown>;
  view(): Promise<ClusterView>;
  /** What this instance reports about its clients in its presence record. */
  setClientCounter(fn: () => Record<string, number>): void;
  stop(): Promise<void>;
}
