// A small read-through cache for hot lookups (principals, quotas): concurrent misses share one
// load, a failed load is never kept (the next call retries), and an invalidation always wins
// over a load that was already in flight when it happened — the load's answer may predate the
// change, so it is handed to its callers but not stored. Entries also expire after `ttlMs`, the
// safety net for changes made behind the app's back.
export class LoadingCache<K, V> {
  private entries = new Map<K, { value: V; at: number }>();
  private inflight = new Map<K, Promise<V>>();
  private versions = new Map<K, number>();
  private epoch = 0;
  hits = 0;
  misses = 0;

  constructor(
    private load: (key: K) => Promise<V>,
    private opts: { ttlMs: number; max?: number; now?: () => number },
  ) {}

  private now() {
    return this.opts.now?.() ?? Date.now();
  }

  async get(key: K): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && this.now() - hit.at < this.opts.ttlMs) {
      this.hits++;
      return hit.value;
    }
    this.misses++;
    const running = this.inflight.get(key);
    if (running) return running;
    const epoch = this.epoch;
    const version = this.versions.get(key) ?? 0;
    const p = this.load(key).then(
      (value) => {
        if (this.inflight.get(key) === p) this.inflight.delete(key);
        if (this.epoch === epoch && (this.versions.get(key) ?? 0) === version) this.store(key, value);
        return value;
      },
      (err: unknown) => {
        if (this.inflight.get(key) === p) this.inflight.delete(key);
        throw err;
      },
    );
    this.inflight.set(key, p);
    return p;
  }

  private store(key: K, value: V) {
    const max = this.opts.max ?? 10_000;
    if (this.entries.size >= max && !this.entries.has(key)) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, at: this.now() });
  }

  invalidate(key: K): void {
    this.entries.delete(key);
    this.inflight.delete(key);
    this.versions.set(key, (this.versions.get(key) ?? 0) + 1);
    if (this.versions.size > (this.opts.max ?? 10_000) * 2) {
      // Bound the bookkeeping: forgetting versions is safe once the epoch moves on.
      this.versions.clear();
      this.epoch++;
    }
  }

  /** Drops every cached entry whose value matches (loads in flight are dropped too). */
  invalidateWhere(pred: (value: V, key: K) => boolean): void {
    for (const [k, e] of this.entries) if (pred(e.value, k)) this.invalidate(k);
    for (const k of [...this.inflight.keys()]) this.invalidate(k);
  }

  invalidateAll(): void {
    this.entries.clear();
    this.inflight.clear();
    this.versions.clear();
    this.epoch++;
  }

  get size() {
    return this.entries.size;
  }
}
