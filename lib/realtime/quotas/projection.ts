// The quota console's starting point: the newest `stats` delivered on the channel.
import type { QuotaStats } from "../../domain/quota/stats";
import type { Projection } from "../channel";
import type { Message, SnapshotMessage } from "../../contract/protocol";

/** Keeps the newest `stats` seen on the quotas channel: the snapshot a new client starts from; ready() waits for the first. */
export class StatsProjection implements Projection<"quotas"> {
  latest: QuotaStats | null = null;
  private waiters: (() => void)[] = [];

  apply(message: Message<"quotas">): void {
    if (message.type !== "stats") return;
    this.set(message.data);
  }

  set(stats: QuotaStats) {
    this.latest = stats;
    this.waiters.splice(0).forEach((w) => w());
  }

  snapshot(id: string): SnapshotMessage<"quotas"> | null {
    return this.latest ? { type: "stats", id, timestamp: new Date().toISOString(), data: this.latest } : null;
  }

  ready(): Promise<void> {
    return this.latest ? Promise.resolve() : new Promise((r) => this.waiters.push(r));
  }
}
