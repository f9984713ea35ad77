// Cluster mode (REDIS_URL): placeholder until the Redis backend lands in this change set.
import type { Config } from "../config";
import type { Logger } from "../log";
import type { EventBus } from "../realtime/bus";
import type { ClusterRuntime } from "./runtime";

export async function startCluster(_config: Config, _log: Logger, _bus: EventBus): Promise<ClusterRuntime> {
  throw new Error("cluster mode is not available yet");
}
