// The /admin/quotas channel's publisher: domain events made on this instance become `violation`,
// `alert`, `quota_change` and `throttle` messages the moment they happen (each instance
// publishes its own, so every message exists once in the shared log); `stats` are computed every
// STATS_INTERVAL_MS by the leader only, once for the whole cluster, and shared by every client.
import type { DomainEvent } from "../../domain/events";
import type { QuotaStats } from "../../domain/quota/stats";
import type { Logger } from "../../log";
import type { Origin } from "../../domain/bus";
import type { Channel } from "../channel";
import { Listeners } from "../listeners";
import type { StatsProjection } from "./projection";

/**
 * Publishes the quotas channel: this instance's domain events as they happen, and `stats` every
 * STATS_INTERVAL_MS while this instance leads. `events.computed` reports each computation.
 */
export class QuotaFeed {
  private timer: NodeJS.Timeout | null = null;
  private leader = false;
  lastError: string | null = null;
  lastStatsMs = 0;
  /** `computed`: each stats computation's time (metrics). */
  readonly events = new Listeners<{ computed: [ms: number] }>();

  constructor(
    private deps: {
      channel: Channel<"quotas">;
      projection: StatsProjection;
      stats: () => Promise<QuotaStats>;
      intervalMs: number;
      log: Logger;
    },
  ) {}

  setLeader(leader: boolean): void {
    if (leader === this.leader) return;
    this.leader = leader;
    if (leader) {
      void this.publishStats();
      this.timer = setInterval(() => void this.publishStats(), this.deps.intervalMs);
      this.timer.unref();
    } else if (this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  stop(): void {
    this.setLeader(false);
  }

  /** The latest stats; computed on the spot before the first ones exist. */
  async currentStats(): Promise<QuotaStats> {
    return this.deps.projection.latest ?? (await this.deps.stats());
  }

  onEvent = (e: DomainEvent, origin: Origin): void => {
    if (origin !== "local") return;
    const { channel, log } = this.deps;
    const failed = (err: unknown) => log.error({ err, event: e.type }, "could not publish a quota message");
    switch (e.type) {
      case "violation.created":
        channel.publish("violation", e.violation).catch(failed);
        break;
      case "alert.raised":
      case "alert.acknowledged":
        channel.publish("alert", e.alert).catch(failed);
        break;
      case "quota.changed":
        channel.publish("quota_change", { ...e.quota, change: e.change, username: e.username ?? null }).catch(failed);
        break;
      case "throttle.changed":
        channel.publish("throttle", e.throttle).catch(failed);
        break;
    }
  };

  private async publishStats(): Promise<void> {
    const t0 = performance.now();
    try {
      const stats = await this.deps.stats();
      this.lastStatsMs = performance.now() - t0;
      this.events.emit("computed", this.lastStatsMs);
      if (!this.leader) return;
      await this.deps.channel.publish("stats", stats, { fence: true });
      this.lastError = null;
    } catch (err) {
      this.lastError = (err as Error).message;
      this.deps.log.error({ err }, "quota stats failed");
    }
  }
}
