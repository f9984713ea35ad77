// Computes the dashboard and publishes what changed. Domain events mark it dirty; a change after
// a quiet spell is recomputed at once (leading edge), and changes that arrive while a recompute
// runs or within DASHBOARD_COALESCE_MS of its start are folded into at most one further
// recompute — so a burst costs one recompute per window and an isolated change waits for none.
// The difference to the previous snapshot is published once as a dashboard_patch (RFC 6902,
// snapshot-diff.ts) with version and base_version, versions continuing across restarts (the
// state is stored with the log). A periodic tick catches changes made behind the app's back and
// day rollovers. Only the leader computes (always, in embedded mode).
import type { DashboardComputer } from "../../domain/dashboard/computer";
import type { DashboardChange } from "../../domain/dashboard/incremental";
import type { DashboardSnapshot } from "../../domain/dashboard/snapshot";
import type { DomainEvent } from "../../domain/events";
import type { Logger } from "../../log";
import { backoffDelay } from "../../contract/backoff";
import type { Origin } from "../../domain/bus";
import type { Channel } from "../channel";
import { cursorOf } from "../../contract/ids";
import type { DashboardUpdate } from "../../contract/protocol";
import { Listeners } from "../listeners";
import type { DashboardProjection, DashboardState } from "./projection";
import { diffSnapshots } from "./snapshot-diff";

export type { DashboardChange };

const READ_YOUR_WRITES_TIMEOUT_MS = 5000;
const FOLLOWER_WAIT_MS = 1000;

/**
 * Recomputes the dashboard after changes (coalesced, see the file comment) while this instance
 * leads, and publishes each difference once as a dashboard_patch; current() answers the snapshot
 * after a change pending here (read-your-writes, bounded). `events.recomputed` reports each recompute.
 */
export class DashboardFeed {
  private dirtyGen = 0;
  private doneGen = 0;
  private full = true;
  private changes: DashboardChange[] = [];
  private running = false;
  private lastStart = -Infinity;
  private timer: NodeJS.Timeout | null = null;
  private ticker: NodeJS.Timeout | null = null;
  private waiters: { gen: number; resolve: () => void }[] = [];
  private leader = false;
  private failures = 0;
  /** A follower's own last change, not yet seen back in a patch (cluster read-your-writes). */
  private localChangeAt: number | null = null;
  recomputes = 0;
  lastRecomputeMs = 0;
  lastError: string | null = null;
  /** `recomputed`: each recompute's time and kind (metrics). */
  readonly events = new Listeners<{ recomputed: [ms: number, kind: "full" | "incremental"] }>();

  constructor(
    private deps: {
      computer: DashboardComputer;
      channel: Channel<"dashboard">;
      projection: DashboardProjection;
      coalesceMs: number;
      tickMs: number;
      log: Logger;
      now?: () => number;
    },
  ) {}

  private now() {
    return this.deps.now?.() ?? performance.now();
  }

  /** Start computing (this instance leads) or stop (another one does). */
  setLeader(leader: boolean): void {
    if (leader === this.leader) return;
    this.leader = leader;
    if (leader) {
      this.ticker = setInterval(() => this.markDirty(null), this.deps.tickMs);
      this.ticker.unref();
      this.markDirty(null); // a new leader re-reads everything first
    } else {
      if (this.ticker) clearInterval(this.ticker);
      if (this.timer) clearTimeout(this.timer);
      this.ticker = this.timer = null;
      this.releaseWaiters(Infinity); // their answer will come from the leader's patches
    }
  }

  get isLeader() {
    return this.leader;
  }

  stop(): void {
    this.setLeader(false);
  }

  /** The bus subscriber: only risk, mitigation and acceptance changes touch the dashboard. */
  onEvent = (e: DomainEvent, origin: Origin = "local"): void => {
    const t = e.type;
    if (t !== "risk.changed" && t !== "mitigation.changed" && t !== "risks.imported" && t !== "acceptance.changed") return;
    if (origin === "local" && !this.leader) this.localChangeAt = this.now();
    // A bulk import is one change of many rows: one full re-read, hence one patch. An acceptance
    // moves only the pending count, which a full read takes (rare enough to cost one).
    this.markDirty(e.type === "risks.imported" || e.type === "acceptance.changed" ? null : e);
  };

  /** Something changed (`null`: unknown what — re-read everything). */
  markDirty(change: DashboardChange | null): void {
    this.dirtyGen++;
    if (change === null) this.full = true;
    else if (!this.full) this.changes.push(change);
    if (this.changes.length > 10_000) this.full = true; // cheaper to re-read than to replay
    this.schedule();
  }

  private schedule(delayMs?: number): void {
    if (!this.leader || this.running || this.timer) return;
    const wait = delayMs ?? Math.max(0, this.lastStart + this.deps.coalesceMs - this.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.run();
    }, wait);
  }

  /** The current snapshot; if a change is pending here, after it has been applied (read-your-writes). */
  async current(): Promise<DashboardUpdate> {
    if (!this.leader && this.localChangeAt !== null) await this.awaitLeader();
    const target = this.dirtyGen;
    if (this.leader && this.doneGen < target) {
      await new Promise<void>((resolve) => {
        const w = { gen: target, resolve };
        this.waiters.push(w);
        setTimeout(() => {
          this.waiters = this.waiters.filter((x) => x !== w);
          resolve(); // answer with what there is rather than hang (the database may be down)
        }, READ_YOUR_WRITES_TIMEOUT_MS).unref();
      });
    }
    await this.deps.projection.ready();
    return this.deps.projection.update()!;
  }

  /**
   * A follower that just made a change waits (briefly) for the leader's next patch, so a client
   * reading right after its own write sees it. A change that alters nothing shown yields no
   * patch: then the wait ends after FOLLOWER_WAIT_MS.
   */
  private awaitLeader(): Promise<void> {
    const since = this.localChangeAt!;
    return new Promise((resolve) => {
      const done = () => {
        off();
        clearTimeout(timer);
        if (this.localChangeAt === since) this.localChangeAt = null;
        resolve();
      };
      const off = this.deps.projection.onChange(done);
      const timer = setTimeout(done, FOLLOWER_WAIT_MS);
      timer.unref();
    });
  }

  get state() {
    return {
      version: this.deps.projection.current?.version ?? 0,
      dirty: this.doneGen < this.dirtyGen,
      recomputing: this.running,
      recomputes: this.recomputes,
      leader: this.leader,
    };
  }

  private releaseWaiters(upTo: number) {
    const done = this.waiters.filter((w) => w.gen <= upTo);
    if (done.length === 0) return;
    this.waiters = this.waiters.filter((w) => w.gen > upTo);
    done.forEach((w) => w.resolve());
  }

  private async run(): Promise<void> {
    if (!this.leader || this.running) return;
    this.running = true;
    this.lastStart = this.now();
    const gen = this.dirtyGen;
    const changes = this.full ? null : this.changes;
    this.full = false;
    this.changes = [];
    const t0 = performance.now();
    try {
      const next = await this.deps.computer.compute(changes);
      const ms = performance.now() - t0;
      this.lastRecomputeMs = Math.round(ms * 1000) / 1000;
      this.recomputes++;
      this.events.emit("recomputed", ms, changes ? "incremental" : "full");
      await this.publish(next);
      this.lastError = null;
      this.failures = 0;
      this.doneGen = Math.max(this.doneGen, gen);
      this.releaseWaiters(gen);
    } catch (err) {
      this.lastError = (err as Error).message;
      this.failures++;
      this.full = true; // whatever was folded in is lost: re-read everything next time
      this.deps.log.error({ err }, "dashboard recompute failed; keeping the last snapshot");
    } finally {
      this.running = false;
    }
    if (this.lastError) this.schedule(backoffDelay(this.failures, 250, 30_000));
    else if (this.dirtyGen > gen) this.schedule();
  }

  private async publish(next: DashboardSnapshot): Promise<void> {
    const { channel, projection } = this.deps;
    const cur = projection.current;
    const data = cur
      ? { version: cur.version + 1, base_version: cur.version, patch: diffSnapshots(cur.snapshot, next) }
      : // The very first snapshot of this log: a patch from nothing, so the log alone rebuilds every version.
        { version: 1, base_version: 0, patch: [{ op: "replace" as const, path: "", value: next }] };
    if (data.patch.length === 0) return;
    const m = await channel.publish("dashboard_patch", data, {
      state: { version: data.version, snapshot: next } satisfies DashboardState,
      fence: true,
    });
    // In cluster mode the patch comes back through the stream: diff the next one against it.
    await channel.waitFor(cursorOf(m.envelope.id), 5000);
  }
}
