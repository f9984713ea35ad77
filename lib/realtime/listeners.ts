// Observer hooks as subscriptions: any number of listeners per event, each added and removed on
// its own, each isolated (one that throws is reported and the others still run). So wiring order
// never changes behaviour — unlike a mutable callback slot that the last writer owns.

type Listener = (...args: unknown[]) => void;

/**
 * Listeners keyed by event name, with the arguments each event carries.
 *
 * @example
 * const events = new Listeners<{ delivered: [type: string, ms: number] }>();
 * const off = events.on("delivered", (type, ms) => histogram.observe({ type }, ms));
 * events.emit("delivered", "stats", 0.2);
 * off();
 */
export class Listeners<E extends { [K in keyof E]: unknown[] }> {
  private byEvent = new Map<keyof E, Set<Listener>>();

  /** `onListenerError`: told when a listener throws (it never reaches the emitter). */
  constructor(private onListenerError: (err: unknown, event: keyof E) => void = () => {}) {}

  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof E>(event: K, fn: (...args: E[K]) => void): () => void {
    const set = this.byEvent.get(event) ?? new Set();
    set.add(fn as unknown as Listener);
    this.byEvent.set(event, set);
    return () => void set.delete(fn as unknown as Listener);
  }

  /** Calls every listener of `event`; none can stop the others or the caller. */
  emit<K extends keyof E>(event: K, ...args: E[K]): void {
    const set = this.byEvent.get(event);
    if (!set) return;
    for (const fn of set) {
      try {
        fn(...(args as unknown[]));
      } catch (err) {
        this.onListenerError(err, event);
      }
    }
  }

  /** How many listeners `event` has. */
  count(event: keyof E): number {
    return this.byEvent.get(event)?.size ?? 0;
  }
}
