// Redis connections for cluster mode (node-redis): one for commands, one per blocking reader.
// They reconnect on their own with capped backoff; commands issued meanwhile wait in a bounded
// queue and run, in order, once Redis is back — so nothing published during an outage is lost
// unless the instance itself dies. Every key lives under REDIS_PREFIX, so several deployments
// (or test runs) can share one Redis without mixing.
import "server-only";
import { createClient } from "redis";
import { backoffDelay } from "../contract/backoff";
import type { Logger } from "../log";

function makeClient(url: string, name: string) {
  return createClient({
    url,
    name: `riskpulse-${name}`,
    RESP: 2, // stream replies as flat arrays (RESP3 would turn them into maps)
    commandsQueueMaxLength: 50_000,
    pingInterval: 5000, // notice a dead connection that the OS has not
    socket: {
      connectTimeout: 3000,
      reconnectStrategy: (retries: number) => backoffDelay(retries, 50, 2000),
    },
  });
}
export type Redis = ReturnType<typeof makeClient>;

/** Every Redis key the cluster uses, under `prefix` (REDIS_PREFIX): nothing is written outside it. */
export function keys(prefix: string) {
  return {
    stream: (channel: string) => `${prefix}:stream:${channel}`,
    state: (channel: string) => `${prefix}:state:${channel}`,
    /** The stream's epoch (see redis-backend.ts). */
    epoch: (channel: string) => `${prefix}:epoch:${channel}`,
    events: `${prefix}:events`,
    nonce: `${prefix}:nonce`,
    leader: `${prefix}:leader`,
    instance: (id: string) => `${prefix}:instance:${id}`,
    instances: `${prefix}:instance:*`,
  };
}
export type Keys = ReturnType<typeof keys>;

export interface RedisHandle {
  client: Redis;
  /** Since when it has been unreachable (null while connected). */
  readonly downSince: number | null;
  readonly lastError: string | null;
  close(): Promise<void>;
}

/**
 * One Redis connection that reconnects on its own (capped back-off) and says since when it has
 * been down; errors are logged every 10 s at most. Resolves once first connected.
 */
export async function connectRedis(url: string, log: Logger, name: string): Promise<RedisHandle> {
  let downSince: number | null = null;
  let lastError: string | null = null;
  let logged = 0;
  const client = makeClient(url, name);
  client.on("error", (err: Error) => {
    downSince ??= Date.now();
    lastError = err.message;
    if (Date.now() - logged > 10_000) {
      logged = Date.now();
      log.warn({ err: err.message, connection: name }, "Redis unreachable; retrying (further errors are logged every 10 s)");
    }
  });
  client.on("ready", () => {
    if (downSince) log.info({ connection: name, down_ms: Date.now() - downSince }, "Redis reachable again");
    downSince = null;
    lastError = null;
  });
  await client.connect();
  return {
    client,
    get downSince() {
      return downSince;
    },
    get lastError() {
      return lastError;
    },
    async close() {
      await client.close().catch(() => client.destroy());
    },
  };
}

/** Redis replies as flat [field, value, …] arrays; as an object. */
export function pairs(flat: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = flat[i + 1];
  return out;
}
