"use client";
// The bell in the header: my unread count, pushed live on the notifications channel (every tab
// and instance: a notification, or some read elsewhere), and a panel listing my notifications
// with their links and "Mark all read". A button with its count in its name; Escape closes the
// panel and gives focus back to the bell.
import Link from "next/link";
import { useCallback, useEffect, useId, useRef, useState } from "react";
import type { NotificationDto, NotificationList } from "@/lib/domain/notifications";
import type { Message } from "@/lib/contract/protocol";
import { api } from "@/lib/client/api";
import { useLiveChannel } from "@/hooks/use-live-channel";

const PAGE = "/api/v1/me/notifications?page_size=20";

export function NotificationBell({ initialUnread }: { initialUnread: number }) {
  const [unread, setUnread] = useState(initialUnread);
  const [items, setItems] = useState<NotificationDto[] | null>(null);
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const panelId = useId();

  const load = useCallback(() => {
    api<NotificationList>("GET", PAGE)
      .then((page) => {
        setItems(page.items);
        setUnread(page.unread);
        setError(null);
      })
      .catch((e: unknown) => setError((e as Error).message));
  }, []);

  const onMessage = useCallback((env: Message<"notifications">) => {
    if (env.type === "notifications_state") setUnread(env.data.unread);
    else if (env.type === "notification") {
      setUnread(env.data.unread);
      setItems((prev) => (prev ? [env.data.notification, ...prev.filter((n) => n.id !== env.data.notification.id)] : prev));
    } else if (env.type === "notifications_read") {
      const { ids, read_at } = env.data;
      setUnread(env.data.unread);
      setItems((prev) =>
        prev ? prev.map((n) => (n.read_at === null && (ids === "all" || ids.includes(n.id)) ? { ...n, read_at } : n)) : prev,
      );
    }
  }, []);
  // After a resync the list may have missed changes: read it again if it is shown.
  const onResync = useCallback(() => setItems((prev) => (prev ? (load(), prev) : prev)), [load]);
  useLiveChannel("notifications", onMessage, {}, onResync, undefined, undefined, { publishStatus: false });

  useEffect(() => {
    if (!open) return;
    load();
    const outside = (e: MouseEvent) => {
      if (!panel.current?.contains(e.target as Node) && !button.current?.contains(e.target as Node)) setOpen(false);
    };
    // On the document: focus may be nowhere (the "Mark all read" button disables itself).
    const escape = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener("mousedown", outside);
    document.addEventListener("keydown", escape);
    return () => {
      document.removeEventListener("mousedown", outside);
      document.removeEventListener("keydown", escape);
    };
  }, [open, load]);

  const markRead = (body: { ids: number[] } | { all: true }) =>
    api<{ unread: number }>("POST", "/api/v1/me/notifications/read", body)
      .then((r) => setUnread(r.unread))
      .catch((e: unknown) => setError((e as Error).message));

  const label = unread === 0 ? "Notifications, none unread" : `Notifications, ${unread} unread`;
  return (
    <div className="bell">
      <button
        ref={button}
        type="button"
        className="secondary bell-button"
        data-testid="bell"
        aria-label={label}
        title={label}
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
      >
        <span aria-hidden="true">🔔</span>
        {unread > 0 && (
          <span className="bell-count" data-testid="bell-count" aria-hidden="true">
            {unread > 99 ? "99+" : unread}
          </span>
        )}
      </button>
      {open && (
        <div ref={panel} id={panelId} className="bell-panel panel" role="region" aria-label="Notifications" data-testid="bell-panel">
          <div className="bell-head">
            <b>Notifications</b>
            <button type="button" className="secondary" disabled={unread === 0} onClick={() => void markRead({ all: true })}>
              Mark all read
            </button>
          </div>
          {error && (
            <p className="field-error" role="alert">
              {error}
            </p>
          )}
          {items === null ? (
            <p className="muted">Loading…</p>
          ) : items.length === 0 ? (
            <p className="muted">Nothing yet.</p>
          ) : (
            <ul className="bell-list">
              {items.map((n) => (
                <li key={n.id} className={n.read_at ? "read" : "unread"} data-testid="notification">
                  {n.link ? (
                    <Link
                      href={n.link}
                      onClick={() => {
                        if (!n.read_at) void markRead({ ids: [n.id] });
                        setOpen(false);
                      }}
                    >
                      {n.title}
                    </Link>
                  ) : (
                    <span>{n.title}</span>
                  )}
                  {n.body && <div className="muted">{n.body}</div>}
                  <div className="muted small">
                    {n.read_at ? "" : "unread · "}
                    <time dateTime={n.created_at}>{new Date(n.created_at).toLocaleString()}</time>
                  </div>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
