// Cluster mode (REDIS_URL set): the real-time log in Redis streams, the leader lease, domain
// events relayed between instances, and a presence record per instance (for the cluster view in
// /api/v1/ws/stats and /api/ws/health). Socket.IO needs no adapter: every instance fans out the
// shared streams to its own clients.
import "server-only";
import type { Config } from "../config";
import { CLUSTER_EVENTS } from "../domain/events";
import type { Logger } from "../log";
import type { EventBus } from "../domain/bus";
import { RedisLease } from "./lease";
import { RedisLogBackend } from "./redis-backend";
import { connectRedis, keys as keysFor } from "./redis";
import type { ClusterRuntime, ClusterView } from "./runtime";

const PRESENCE_EVERY_MS = 2000;
const PRESENCE_TTL_MS = 10_000;

/**
 * Starts cluster mode: two Redis connections, the leader lease, the shared log, the relay of
 * CLUSTER_EVENTS to the other instances, and this instance's presence record every 2 s.
 */
export async function startCluster(config: Config, log: Logger, bus: EventBus): Promise<ClusterRuntime> {
  const url = config.REDIS_URL!;
  const keys = keysFor(config.REDIS_PREFIX);
  const instanceId = config.instanceId;
  const [cmd, reader] = await Promise.all([connectRedis(url, log, "commands"), connectRedis(url, log, "reader")]);
  const leadership = new RedisLease({ redis: cmd, keys, instanceId, leaseMs: config.LEADER_LEASE_MS, log });
  const backend = new RedisLogBackend({
    cmd,
    reader,
    keys,
    capacity: config.MESSAGE_LOG_SIZE,
    instanceId,
    log,
    isLeader: () => leadership.isLeader,
    onRemoteEvent: (e) => bus.publishRemote(e),
  });
  // Events other instances must see (caches, live connections, the leader's dirty mark).
  const unrelay = bus.subscribe((e, origin) => {
    if (origin === "local" && CLUSTER_EVENTS.has(e.type))
      backend.publishEvent(e).catch((err: unknown) => log.error({ err, event: e.type }, "could not relay an event to the cluster"));
  });

  const startedAt = new Date().toISOString();
  let clients: () => Record<string, number> = () => ({});
  const beat = async () => {
    const record = {
      id: instanceId,
      leader: leadership.isLeader,
      clients: clients(),
      started_at: startedAt,
      last_heartbeat: new Date().toISOString(),
    };
    await cmd.client.sendCommand(["SET", keys.instance(instanceId), JSON.stringify(record), "PX", String(PRESENCE_TTL_MS)], {
      timeout: 1000,
    });
  };
  const presence = setInterval(() => void beat().catch(() => undefined), PRESENCE_EVERY_MS);
  presence.unref();

  return {
    backend,
    leadership,
    setClientCounter(fn: () => Record<string, number>) {
      clients = fn;
      void beat().catch(() => undefined);
    },
    ping: () => cmd.client.sendCommand(["PING"], { timeout: 1000 }),
    async view(): Promise<ClusterView> {
      const redisOk = cmd.downSince === null;
      let instances: ClusterView["instances"] = [];
      let leader: string | null = null;
      if (redisOk) {
        try {
          const found: string[] = [];
          let cursor = "0";
          do {
            const [next, batch] = (await cmd.client.sendCommand(["SCAN", cursor, "MATCH", keys.instances, "COUNT", "100"], {
              timeout: 1000,
            })) as [string, string[]];
            cursor = next;
            found.push(...batch);
          } while (cursor !== "0");
          const values = found.length ? ((await cmd.client.sendCommand(["MGET", ...found], { timeout: 1000 })) as (string | null)[]) : [];
          instances = values.filter((v): v is string => !!v).map((v) => JSON.parse(v) as ClusterView["instances"][number]);
          leader = (await cmd.client.sendCommand(["GET", keys.leader], { timeout: 1000 })) as string | null;
        } catch {
          /* answered as unreachable below */
        }
      }
      return {
        instance: instanceId,
        leader,
        redis: { ok: redisOk, error: redisOk ? null : "Redis unreachable" },
        instances: instances.sort((a, b) => a.id.localeCompare(b.id)),
      };
    },
    async stop() {
      clearInterval(presence);
      unrelay();
      await cmd.client.sendCommand(["DEL", keys.instance(instanceId)], { timeout: 1000 }).catch(() => undefined);
      await Promise.all([cmd.close(), reader.close()]);
    },
  };
}
