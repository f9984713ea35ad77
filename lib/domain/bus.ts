// The event bus: domain services publish, caches, broadcasters and live connections subscribe.
// Delivery is synchronous and isolated: a failing subscriber is logged and never breaks the
// publisher or the other subscribers. In cluster mode a relay forwards CLUSTER_EVENTS to the
// other instances and hands theirs to publishRemote(); subscribers see where an event came from.
import type { Tx } from "../db/client";
import type { DomainEvent, EventPublisher, EventStager } from "./events";
import type { Logger } from "../log";

export type Origin = "local" | "remote";
export type Subscriber = (event: DomainEvent, origin: Origin) => void;

export class EventBus implements EventPublisher {
  private subscribers = new Set<Subscriber>();
  private stager: EventStager | null = null;
  published = 0;

  constructor(private log?: Logger) {}

  subscribe(fn: Subscriber): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  /** Who writes an event's deliveries in its transaction (the outbox); one at most. */
  stageWith(stager: EventStager | null): void {
    this.stager = stager;
  }

  /** Writes the event's deliveries in `tx` (before commit): they commit with the change or not at all. */
  async stage(tx: Tx, event: DomainEvent): Promise<void> {
    await this.stager?.stage(tx, event);
  }

  publish(event: DomainEvent): void {
    this.deliver(event, "local");
  }

  /** An event made by another instance (cluster mode). */
  publishRemote(event: DomainEvent): void {
    this.deliver(event, "remote");
  }

  private deliver(event: DomainEvent, origin: Origin) {
    this.published++;
    for (const fn of this.subscribers) {
      try {
        fn(event, origin);
      } catch (err) {
        this.log?.error({ err, event: event.type }, "event subscriber failed");
      }
    }
  }

  get subscriberCount() {
    return this.subscribers.size;
  }
}
