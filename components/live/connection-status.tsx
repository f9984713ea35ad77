"use client";
// The status light in the header: which channel is live, or that it is not, and a Reconnect
// button. Pages without a live connection show nothing.
import { useSyncExternalStore } from "react";
import { statusStore, type LiveState } from "@riskpulse/client";
import { useNow } from "./clock";

const LABEL: Record<LiveState, string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  sse: "Live (SSE)",
  polling: "Polling",
  offline: "Offline",
};

export function ConnectionStatus() {
  const status = useSyncExternalStore(statusStore.subscribe, statusStore.get, () => null);
  const now = useNow();
  if (!status) return null;
  const retryIn = status.nextRetryAt && now ? Math.max(0, Math.round((status.nextRetryAt - now) / 1000)) : null;
  const title = [
    status.error,
    status.state === "reconnecting" && retryIn !== null ? `attempt ${status.attempt}, next in ${retryIn}s` : null,
  ]
    .filter(Boolean)
    .join(" — ");
  return (
    <div style={{ display: "flex", gap: 8, alignItems: "center" }}>
      <span
        className="status"
        data-state={status.state}
        data-testid="connection-status"
        title={title || undefined}
        role="status"
        aria-live="polite"
      >
        <span className="dot" />
        {LABEL[status.state]}
      </span>
      {status.state !== "live" && status.state !== "connecting" && (
        <button className="secondary" onClick={() => statusStore.reconnect()}>
          Reconnect
        </button>
      )}
    </div>
  );
}
