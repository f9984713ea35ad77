// Outgoing webhooks and their delivery log (README "Webhooks"), and what each user gets by e-mail (README "E-mail").
import { markReadSchema, notificationListSchema } from "../../domain/notifications";
import { emailPreferencesSchema } from "../../domain/webhooks/email";
import { deliveryListSchema, webhookCreateSchema, webhookPatchSchema } from "../../domain/webhooks/webhooks";
import type { RouteContract } from "../contract";

export const WEBHOOKS = {
  list: {
    method: "GET",
    path: "/api/v1/webhooks",
    tag: "webhooks",
    access: "admin",
    summary: "List webhooks",
    description: "Secrets are never shown again.",
    replies: { 200: { description: "every webhook", body: "WebhookList" } },
  },
  create: {
    method: "POST",
    path: "/api/v1/webhooks",
    tag: "webhooks",
    access: "admin",
    summary: "Register a webhook",
    description:
      'Deliveries are POSTs signed `RiskPulse-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` with the `secret` ' +
      "returned here, once; `RiskPulse-Delivery` (also `Idempotency-Key`) names each delivery. A URL whose host resolves to a " +
      "loopback, private, link-local or metadata address is refused (400, code `blocked_target`) unless listed in WEBHOOK_ALLOW_HOSTS.",
    body: webhookCreateSchema,
    replies: { 201: { description: "the webhook with its secret (shown this once)", body: "WebhookCreated" } },
  },
  update: {
    method: "PATCH",
    path: "/api/v1/webhooks/{id}",
    tag: "webhooks",
    access: "admin",
    summary: "Change a webhook, or enable it again",
    description: "`enabled: true` after it was disabled sends the deliveries held meanwhile.",
    params: { id: { description: "the webhook's id" } },
    body: webhookPatchSchema,
    replies: { 200: { description: "the webhook", body: "Webhook" } },
  },
  remove: {
    method: "DELETE",
    path: "/api/v1/webhooks/{id}",
    tag: "webhooks",
    access: "admin",
    summary: "Delete a webhook and its deliveries",
    params: { id: { description: "the webhook's id" } },
    replies: { 204: { description: "deleted" } },
  },
  deliveries: {
    method: "GET",
    path: "/api/v1/webhooks/{id}/deliveries",
    tag: "webhooks",
    access: "admin",
    summary: "The webhook's delivery log",
    description: "Newest first; each delivery with every attempt (outcome, response code, latency, error).",
    params: { id: { description: "the webhook's id" } },
    query: deliveryListSchema,
    replies: { 200: { description: "a page of deliveries", body: "DeliveryPage" } },
  },
  resend: {
    method: "POST",
    path: "/api/v1/webhooks/{id}/deliveries/{delivery}/resend",
    tag: "webhooks",
    access: "admin",
    summary: "Send a delivery again",
    description: "The same body and delivery id, due now and retried for another 24 h.",
    params: { id: { description: "the webhook's id" }, delivery: { description: "the delivery's id (`id` in the log)" } },
    replies: { 200: { description: "the delivery, pending", body: "Delivery" } },
  },
  test: {
    method: "POST",
    path: "/api/v1/webhooks/{id}/test",
    tag: "webhooks",
    access: "admin",
    summary: "Send a test event",
    description: "A `test` event through the outbox, like any other delivery.",
    params: { id: { description: "the webhook's id" } },
    replies: { 200: { description: "queued", body: "WebhookTest" } },
  },
} as const satisfies Record<string, RouteContract>;

export const EMAIL = {
  get: {
    method: "GET",
    path: "/api/v1/me/email-preferences",
    tag: "account",
    access: "user",
    summary: "What I get by e-mail",
    description: "Until changed: admins get every alert, analysts nothing. `mail_configured` is false when the server has no SMTP_URL.",
    replies: { 200: { description: "my e-mail preferences", body: "EmailPreferences" } },
  },
  set: {
    method: "PUT",
    path: "/api/v1/me/email-preferences",
    tag: "account",
    access: "user",
    summary: "Choose what I get by e-mail",
    description: "`events`: alert and violation reach admins only; `severities`: which alerts.",
    body: emailPreferencesSchema,
    replies: { 200: { description: "my e-mail preferences", body: "EmailPreferences" } },
  },
} as const satisfies Record<string, RouteContract>;

/** My in-app notifications (README "Notifications"): always the caller's own. */
export const NOTIFICATIONS = {
  list: {
    method: "GET",
    path: "/api/v1/me/notifications",
    tag: "account",
    access: "user",
    summary: "My notifications",
    description: "Newest first, paged; `unread=1`: only the unread ones. `unread` in the answer counts all my unread ones.",
    query: notificationListSchema,
    replies: { 200: { description: "a page of my notifications", body: "NotificationPage" } },
  },
  read: {
    method: "POST",
    path: "/api/v1/me/notifications/read",
    tag: "account",
    access: "user",
    summary: "Mark my notifications read",
    description:
      "`{ids: […]}` (ids that are not mine are ignored) or `{all: true}`. My other tabs and connections get `notifications_read` on the notifications channel.",
    body: markReadSchema,
    replies: { 200: { description: "how many were marked, and my unread count", body: "NotificationsRead" } },
  },
} as const satisfies Record<string, RouteContract>;
