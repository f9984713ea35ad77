// The notifications channel: one log for every user's messages, each naming its user; every
// connection sees it through its user's view (UserViews), made from the connection's
// credential, never from anything the client sends. The instance that wrote a notification (or
// marked some read) publishes the message, so each exists once in the shared log; the projection
// keeps each user's unread count, which the view puts into the snapshot a client starts from.
import type { DomainEvent } from "../../domain/events";
import type { Origin } from "../../domain/bus";
import type { Logger } from "../../log";
import { envelope } from "../../contract/frames";
import type { Message, SnapshotMessage } from "../../contract/protocol";
import type { Channel, Projection } from "../channel";
import { logged, type Logged } from "../log/logged";
import type { SessionView } from "../transport-core";

/** Each user's unread count as the log has it (seeded from the database when a user connects). */
export class NotificationsProjection implements Projection<"notifications"> {
  private unread = new Map<number, number>();

  apply(message: Message<"notifications">): void {
    if (message.type === "notification" || message.type === "notifications_read")
      this.unread.set(message.data.user_id, message.data.unread);
  }

  /** The count read from the database, unless a message already told a newer one. */
  seed(userId: number, unread: number): void {
    if (!this.unread.has(userId)) this.unread.set(userId, unread);
  }

  unreadOf(userId: number): number {
    return this.unread.get(userId) ?? 0;
  }

  /** A placeholder: each user's view fills in their own count. */
  snapshot(id: string): SnapshotMessage<"notifications"> {
    return { type: "notifications_state", id, timestamp: new Date().toISOString(), data: { unread: 0 } };
  }

  ready(): Promise<void> {
    return Promise.resolve();
  }
}

/** Messages that name no user: replies and notices to one connection. */
const FOR_THE_CONNECTION: ReadonlySet<string> = new Set(["pong", "error", "resync"]);

/** The view (and Socket.IO room) key of a user's notifications. */
export const userViewKey = (userId: number) => `user:${userId}`;

/** The user a logged notifications message is for (every logged one names one). */
export const recipientOf = (m: Logged): number | null => {
  const uid = (m.envelope.data as { user_id?: unknown } | null)?.user_id;
  return typeof uid === "number" ? uid : null;
};

/**
 * One view per connected user: passes only that user's messages (and the replies, errors and
 * resyncs meant for the connection), and gives the snapshot that user's unread count.
 */
export class UserViews {
  private views = new Map<number, SessionView>();

  constructor(
    private projection: NotificationsProjection,
    private unreadFromDb: (userId: number) => Promise<number>,
  ) {}

  /** The view of `userId` — the connection's authenticated user — with their count seeded. */
  async forUser(userId: number): Promise<SessionView> {
    if (!this.views.has(userId)) this.projection.seed(userId, await this.unreadFromDb(userId));
    let v = this.views.get(userId);
    if (!v) {
      const projection = this.projection;
      v = {
        key: userViewKey(userId),
        apply(m: Logged): Logged | null {
          if (m.envelope.type === "notifications_state")
            return logged(envelope("notifications_state", m.envelope.id, { unread: projection.unreadOf(userId) }, m.envelope.timestamp));
          // The user's own messages, and what is said to this connection alone; nothing else.
          if (m.envelope.type === "notification" || m.envelope.type === "notifications_read") return recipientOf(m) === userId ? m : null;
          return FOR_THE_CONNECTION.has(m.envelope.type) ? m : null;
        },
      };
      this.views.set(userId, v);
    }
    return v;
  }
}

/** Publishes this instance's notification events into the channel. */
export function notificationPublisher(channel: Channel<"notifications">, log: Logger) {
  return (e: DomainEvent, origin: Origin): void => {
    if (origin !== "local") return;
    const failed = (err: unknown) => log.error({ err, event: e.type }, "could not publish a notification message");
    if (e.type === "notification.created")
      channel.publish("notification", { user_id: e.notification.user_id, notification: e.notification, unread: e.unread }).catch(failed);
    else if (e.type === "notifications.read")
      channel.publish("notifications_read", { user_id: e.userId, ids: e.ids, unread: e.unread, read_at: e.readAt }).catch(failed);
  };
}
