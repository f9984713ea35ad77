// In-app notifications (README "Notifications"): one row per user per thing they should know
// about — a risk or mitigation assigned to them, their mitigation overdue, an alert (admins), an
// acceptance requested or decided. notify() writes the row and publishes `notification.created`
// with the user's unread count; marking read publishes `notifications.read`. The real-time layer
// turns both into messages on the user's own channel (every tab, every instance).
import "server-only";
import { z } from "zod";
import type { Db } from "../db/client";
import type { EventPublisher } from "./events";
import { pageArgs, pageQuery, type Page } from "./pagination";
import { dbId } from "./schema-helpers";
import type { Clock } from "./time";

export const NOTIFICATION_KINDS = ["assigned", "mitigation_overdue", "alert", "acceptance_requested", "acceptance_decided"] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** One notification as the API and the channel carry it. */
export interface NotificationDto {
  id: number;
  user_id: number;
  kind: NotificationKind;
  title: string;
  body: string;
  /** An app path (`/risks/7`), or null. */
  link: string | null;
  risk_id: number | null;
  mitigation_id: number | null;
  alert_id: number | null;
  created_at: string;
  read_at: string | null;
}

/** GET /api/v1/me/notifications: newest first, paged. */
export interface NotificationList extends Page<NotificationDto> {
  unread: number;
}

/** What notify() is told. */
export interface NotifyInput {
  kind: NotificationKind;
  title: string;
  body?: string;
  link?: string | null;
  riskId?: number | null;
  mitigationId?: number | null;
  alertId?: number | null;
}

export const notificationListSchema = z.object({
  unread: z
    .enum(["1", "0", "true", "false"])
    .optional()
    .transform((v) => v === "1" || v === "true"),
  ...pageQuery,
});
export type NotificationListQuery = z.infer<typeof notificationListSchema>;

/** POST /api/v1/me/notifications/read: some of mine by id, or all of them. */
export const markReadSchema = z.union([z.strictObject({ ids: z.array(dbId()).min(1).max(500) }), z.strictObject({ all: z.literal(true) })]);
export type MarkRead = z.infer<typeof markReadSchema>;

/** POST /api/v1/me/notifications/read's answer. */
export interface MarkReadResult {
  /** How many turned from unread to read. */
  marked: number;
  unread: number;
}

type Row = {
  id: number;
  userId: number;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  riskId: number | null;
  mitigationId: number | null;
  alertId: number | null;
  createdAt: Date;
  readAt: Date | null;
};
const dto = (r: Row): NotificationDto => ({
  id: r.id,
  user_id: r.userId,
  kind: r.kind as NotificationKind,
  title: r.title,
  body: r.body,
  link: r.link,
  risk_id: r.riskId,
  mitigation_id: r.mitigationId,
  alert_id: r.alertId,
  created_at: r.createdAt.toISOString(),
  read_at: r.readAt?.toISOString() ?? null,
});

/** Titles are shown in a narrow panel; keep them short. */
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * The notification service. `notify` is the one way in (the acceptance workflow calls
 * `acceptanceRequested` / `acceptanceDecided`, which use it); reading is per user only.
 */
export function createNotificationService(deps: { db: Db; events: EventPublisher; clock: Clock }) {
  const { db, events, clock } = deps;
  const unreadOf = (userId: number) => db.notification.count({ where: { userId, readAt: null } });

  /**
   * Tells one user something: writes the row, then publishes `notification.created` (the user's
   * channel gets it on every tab and instance). A disabled or deleted user gets nothing (null).
   *
   * @example
   * await notifications.notify(7, { kind: "assigned", title: "You own risk 12", link: "/risks/12", riskId: 12 });
   */
  async function notify(userId: number, input: NotifyInput): Promise<NotificationDto | null> {
    const user = await db.user.findUnique({ where: { id: userId }, select: { disabled: true } });
    if (!user || user.disabled) return null;
    const row = await db.notification.create({
      data: {
        userId,
        kind: input.kind,
        title: clip(input.title, 200),
        body: clip(input.body ?? "", 2000),
        link: input.link ?? null,
        riskId: input.riskId ?? null,
        mitigationId: input.mitigationId ?? null,
        alertId: input.alertId ?? null,
        createdAt: clock.now(),
      },
    });
    const n = dto(row);
    events.publish({ type: "notification.created", notification: n, unread: await unreadOf(userId) });
    return n;
  }

  return {
    notify,

    /** The same notice for every active admin (an alert fired). */
    async notifyAdmins(input: NotifyInput): Promise<number> {
      const admins = await db.user.findMany({ where: { role: "admin", disabled: false }, select: { id: true } });
      const made = await Promise.all(admins.map((a) => notify(a.id, input)));
      return made.filter(Boolean).length;
    },

    /**
     * For the acceptance workflow: `approverIds` are asked to decide on accepting risk `riskId`
     * (`requestedBy` is not told about their own request).
     */
    async acceptanceRequested(a: { riskId: number; riskTitle: string; requestedBy: number; approverIds?: number[]; note?: string }) {
      // Any active admin may approve (README "Risk acceptance"), except the requester.
      const approvers =
        a.approverIds ?? (await db.user.findMany({ where: { role: "admin", disabled: false }, select: { id: true } })).map((u) => u.id);
      const to = [...new Set(approvers)].filter((id) => id !== a.requestedBy);
      await Promise.all(
        to.map((id) =>
          notify(id, {
            kind: "acceptance_requested",
            title: `Acceptance requested: risk ${a.riskId} "${a.riskTitle}"`,
            body: a.note ?? "",
            link: `/risks/${a.riskId}`,
            riskId: a.riskId,
          }),
        ),
      );
    },

    /** For the acceptance workflow: tells the requester (unless they decided it themselves) how it went. */
    async acceptanceDecided(a: {
      riskId: number;
      riskTitle: string;
      requestedBy: number;
      decidedBy: number;
      approved: boolean;
      note?: string;
    }) {
      if (a.requestedBy === a.decidedBy) return;
      await notify(a.requestedBy, {
        kind: "acceptance_decided",
        title: `Acceptance ${a.approved ? "approved" : "rejected"}: risk ${a.riskId} "${a.riskTitle}"`,
        body: a.note ?? "",
        link: `/risks/${a.riskId}`,
        riskId: a.riskId,
      });
    },

    /** My notifications, newest first; `unread` only the unread ones. */
    async list(userId: number, q: NotificationListQuery): Promise<NotificationList> {
      const where = { userId, ...(q.unread ? { readAt: null } : {}) };
      const [rows, total, unread] = await Promise.all([
        db.notification.findMany({ where, orderBy: { id: "desc" }, ...pageArgs(q) }),
        db.notification.count({ where }),
        unreadOf(userId),
      ]);
      return { items: rows.map(dto), total, page: q.page, page_size: q.page_size, pages: Math.ceil(total / q.page_size), unread };
    },

    /** How many of mine are unread (the bell's first paint). */
    unread: unreadOf,

    /**
     * Marks some of mine (ids of others are ignored: never an error that tells what exists) or
     * all of them read, and publishes `notifications.read` so the user's other tabs clear them.
     */
    async markRead(userId: number, input: MarkRead): Promise<MarkReadResult> {
      const now = clock.now();
      const where = { userId, readAt: null, ...("ids" in input ? { id: { in: input.ids } } : {}) };
      const ids = "ids" in input ? (await db.notification.findMany({ where, select: { id: true } })).map((r) => r.id) : null;
      const { count } = await db.notification.updateMany({ where: ids ? { ...where, id: { in: ids } } : where, data: { readAt: now } });
      const unread = await unreadOf(userId);
      events.publish({ type: "notifications.read", userId, ids: ids ?? "all", unread, readAt: now.toISOString() });
      return { marked: count, unread };
    },
  };
}
export type NotificationService = ReturnType<typeof createNotificationService>;
