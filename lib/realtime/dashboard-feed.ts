// Keeps the current dashboard snapshot and tells every client what changed. Domain events
// mark it dirty; changes within the coalescing window cause ONE recompute, whose difference to
// the previous snapshot is published once as a dashboard_patch (RFC 6902 JSON Patch, see
// snapshot-diff.ts) with version and base_version. New clients get the cached snapshot:
// nothing is ever computed per client. A periodic tick catches changes made behind the app's
// back and day rollovers (days_open, overdue).
import type { Operation } from "fast-json-patch";
import type { DashboardSnapshot } from "../domain/dashboard";
import type { DomainEvent } from "../domain/events";
import type { Logger } from "../log";
import type { Channel } from "./channel";
import { diffSnapshots } from "./snapshot-diff";

export type DashboardUpdate = DashboardSnapshot & { version: number };
export interface DashboardPatch {
  version: number;
  base_version: number;
  patch: Operation[];
}

const AFFECTS_DASHBOARD = new Set<DomainEvent["type"]>(["risk.changed", "mitigation.changed"]);

export class DashboardFeed {
  private snapshot: DashboardSnapshot | null = null;
  private version = 0;
  private dirty = false;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private ticker: NodeJS.Timeout | null = null;
  private waiters: (() => void)[] = [];
  recomputes = 0;
  lastRecomputeMs = 0;
  lastError: string | null = null;

  constructor(
    private deps: {
      compute: () => Promise<DashboardSnapshot>;
      channel: Channel;
      coalesceMs: number;
      tickMs: number;
      log: Logger;
    },
  ) {}

  async start(): Promise<void> {
    await this.recompute();
    this.ticker = setInterval(() => this.markDirty(), this.deps.tickMs);
    this.ticker.unref();
  }

  stop(): void {
    if (this.ticker) clearInterval(this.ticker);
    if (this.timer) clearTimeout(this.timer);
  }

  /** The bus subscriber: only risk and mitigation changes touch the dashboard. */
  onEvent = (e: DomainEvent): void => {
    if (AFFECTS_DASHBOARD.has(e.type)) this.markDirty();
  };

  markDirty(): void {
    this.dirty = true;
    if (!this.timer && !this.running) this.timer = setTimeout(() => void this.flush(), this.deps.coalesceMs);
  }

  /** The current snapshot; if a change is pending, after it has been applied (read-your-writes). */
  async current(): Promise<DashboardUpdate> {
    if (this.dirty || this.running || !this.snapshot) await new Promise<void>((r) => this.waiters.push(r));
    return { version: this.version, ...this.snapshot! };
  }

  get state() {
    return { version: this.version, dirty: this.dirty, recomputing: this.running !== null, recomputes: this.recomputes };
  }

  private async flush(): Promise<void> {
    this.timer = null;
    this.dirty = false;
    this.running = this.recompute();
    await this.running;
    this.running = null;
    if (this.dirty) this.timer = setTimeout(() => void this.flush(), this.deps.coalesceMs);
    else this.waiters.splice(0).forEach((w) => w());
  }

  private async recompute(): Promise<void> {
    const t0 = Date.now();
    let next: DashboardSnapshot;
    try {
      next = await this.deps.compute();
    } catch (err) {
      this.lastError = (err as Error).message;
      this.deps.log.error({ err }, "dashboard recompute failed; keeping the last snapshot");
      if (!this.snapshot) throw err;
      return;
    }
    this.recomputes++;
    this.lastRecomputeMs = Date.now() - t0;
    this.lastError = null;
    if (!this.snapshot) {
      this.snapshot = next;
      this.version = 1;
      this.waiters.splice(0).forEach((w) => w());
      return;
    }
    const patch = diffSnapshots(this.snapshot, next);
    if (patch.length === 0) return;
    const base = this.version;
    this.snapshot = next;
    this.version++;
    this.deps.channel.publish("dashboard_patch", { version: this.version, base_version: base, patch } satisfies DashboardPatch);
  }
}
