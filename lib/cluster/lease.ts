// Who leads the cluster: whoever holds a lease in Redis — SET <prefix>:leader <instance> NX PX
// LEADER_LEASE_MS, renewed every third of the lease by its holder only (a compare-and-extend
// script). If the leader dies, its lease runs out and the next instance to try takes over; if
// Redis is unreachable, a leader steps down once its last renewal is older than the lease, so two
// instances never both believe they lead. The leader's publishes are fenced on the same key.
import "server-only";
import type { Logger } from "../log";
import type { Leadership } from "../realtime/leadership";
import type { Keys, RedisHandle } from "./redis";

const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/**
 * Leadership by a lease in Redis (see the file comment): start() tries at once and then every
 * third of the lease, telling `onChange` each time this instance gains or loses it; never two
 * leaders at once, as long as clocks tick at the same rate.
 */
export class RedisLease implements Leadership {
  isLeader = false;
  private timer: NodeJS.Timeout | null = null;
  private renewedAt = 0;
  private onChange: (leader: boolean) => void = () => {};
  private busy = false;

  constructor(private deps: { redis: RedisHandle; keys: Keys; instanceId: string; leaseMs: number; log: Logger }) {}

  async start(onChange: (leader: boolean) => void): Promise<void> {
    this.onChange = onChange;
    onChange(false);
    await this.tick();
    this.timer = setInterval(() => void this.tick(), Math.max(100, Math.floor(this.deps.leaseMs / 3)));
    this.timer.unref();
  }

  private set(leader: boolean) {
    if (leader === this.isLeader) return;
    this.isLeader = leader;
    this.onChange(leader);
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    const { redis, keys, instanceId, leaseMs } = this.deps;
    const timeout = { timeout: Math.max(200, Math.floor(leaseMs / 3)) };
    try {
      if (this.isLeader) {
        const ok = await redis.client.sendCommand(["EVAL", RENEW, "1", keys.leader, instanceId, String(leaseMs)], timeout);
        if (Number(ok) === 1) this.renewedAt = Date.now();
        else this.set(false);
      } else {
        const ok = await redis.client.sendCommand<string | null>(["SET", keys.leader, instanceId, "NX", "PX", String(leaseMs)], timeout);
        if (ok === "OK") {
          this.renewedAt = Date.now();
          this.set(true);
        }
      }
    } catch {
      // Unreachable: the lease may have run out elsewhere by now.
      if (this.isLeader && Date.now() - this.renewedAt > leaseMs * 0.9) {
        this.deps.log.warn("lost contact with Redis for longer than the lease: stepping down as leader");
        this.set(false);
      }
    } finally {
      this.busy = false;
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.isLeader) {
      await this.deps.redis.client
        .sendCommand(["EVAL", RELEASE, "1", this.deps.keys.leader, this.deps.instanceId], { timeout: 1000 })
        .catch(() => undefined);
      this.set(false);
    }
  }
}
