// The in-process event bus: domain services publish, broadcasters subscribe. Delivery is
// synchronous and isolated: a failing subscriber is logged and never breaks the publisher
// or the other subscribers. (Cluster mode relays the same events over Redis.)
import type { DomainEvent, EventPublisher } from "../domain/events";
import type { Logger } from "../log";

export type Subscriber = (event: DomainEvent) => void;

export class EventBus implements EventPublisher {
  private subscribers = new Set<Subscriber>();
  published = 0;

  constructor(private log?: Logger) {}

  subscribe(fn: Subscriber): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  publish(event: DomainEvent): void {
    this.published++;
    for (const fn of this.subscribers) {
      try {
        fn(event);
      } catch (err) {
        this.log?.error({ err, event: event.type }, "event subscriber failed");
      }
    }
  }

  get subscriberCount() {
    return this.subscribers.size;
  }
}
