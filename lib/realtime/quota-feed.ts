// The /admin/quotas channel's publisher: domain events become `violation`, `alert`,
// `quota_change` and `throttle` messages the moment they happen; `stats` are computed once
// every STATS_INTERVAL_MS and shared by every client (new clients get the latest at once).
import type { DomainEvent } from "../domain/events";
import type { QuotaStats } from "../domain/quota/stats";
import type { Logger } from "../log";
import type { Channel } from "./channel";

export class QuotaFeed {
  private timer: NodeJS.Timeout | null = null;
  private latest: QuotaStats | null = null;
  lastError: string | null = null;

  constructor(private deps: { channel: Channel; stats: () => Promise<QuotaStats>; intervalMs: number; log: Logger }) {}

  async start(): Promise<void> {
    await this.publishStats();
    this.timer = setInterval(() => void this.publishStats(), this.deps.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async currentStats(): Promise<QuotaStats> {
    return this.latest ?? (await this.deps.stats());
  }

  onEvent = (e: DomainEvent): void => {
    const { channel } = this.deps;
    switch (e.type) {
      case "violation.created":
        channel.publish("violation", e.violation);
        break;
      case "alert.raised":
      case "alert.acknowledged":
        channel.publish("alert", e.alert);
        break;
      case "quota.changed":
        channel.publish("quota_change", { ...e.quota, change: e.change });
        break;
      case "throttle.changed":
        channel.publish("throttle", e.throttle);
        break;
    }
  };

  private async publishStats(): Promise<void> {
    try {
      this.latest = await this.deps.stats();
      this.lastError = null;
      this.deps.channel.publish("stats", this.latest);
    } catch (err) {
      this.lastError = (err as Error).message;
      this.deps.log.error({ err }, "quota stats failed");
    }
  }
}
