// The dashboard as this instance knows it: the snapshot and version as of the newest
// dashboard_patch delivered here. The instance that computed a patch hands over the full next
// snapshot with it; every other instance (cluster mode) applies the patch. New clients start
// from this — nothing is computed per client.
import jsonpatch from "fast-json-patch"; // CommonJS: use the default export
import type { DashboardSnapshot } from "../../domain/dashboard/snapshot";
import type { Projection } from "../channel";
import type { DashboardUpdate, Message, SnapshotMessage } from "../../contract/protocol";

export interface DashboardState {
  version: number;
  snapshot: DashboardSnapshot;
}

/**
 * The dashboard state as of the newest patch delivered here: what a new client starts from. A
 * patch that does not fit its version sets `gap`, and the owner reloads the state.
 */
export class DashboardProjection implements Projection<"dashboard"> {
  private state: DashboardState | null = null;
  private waiters: (() => void)[] = [];
  private listeners = new Set<(s: DashboardState) => void>();
  /** Set when a patch did not fit (a gap): the owner must reload the state. */
  gap = false;

  get current(): DashboardState | null {
    return this.state;
  }

  /** Replaces the state (at start, from the stored one; after a gap). */
  set(state: DashboardState) {
    this.state = state;
    this.gap = false;
    this.waiters.splice(0).forEach((w) => w());
    this.listeners.forEach((l) => l(state));
  }

  apply(message: Message<"dashboard">, localState?: unknown): void {
    if (message.type !== "dashboard_patch") return;
    const p = message.data;
    if (localState) return this.set(localState as DashboardState);
    if (p.base_version === 0) {
      const { newDocument } = jsonpatch.applyPatch({}, p.patch, false, false);
      return this.set({ version: p.version, snapshot: newDocument as DashboardSnapshot });
    }
    if (!this.state || p.base_version !== this.state.version) {
      if (this.state && p.version <= this.state.version) return; // already have it
      this.gap = true;
      return;
    }
    const { newDocument } = jsonpatch.applyPatch(this.state.snapshot, p.patch, false, false);
    this.set({ version: p.version, snapshot: newDocument });
  }

  update(): DashboardUpdate | null {
    return this.state ? { ...this.state.snapshot, version: this.state.version } : null;
  }

  snapshot(id: string): SnapshotMessage<"dashboard"> | null {
    const data = this.update();
    return data ? { type: "dashboard_update", id, timestamp: new Date().toISOString(), data } : null;
  }

  ready(): Promise<void> {
    return this.state ? Promise.resolve() : new Promise((r) => this.waiters.push(r));
  }

  onChange(fn: (s: DashboardState) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
