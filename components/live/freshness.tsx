"use client";
// "updated 3 s ago": when the page's data last changed, and — while the channel is live — when
// it last proved alive; while offline or reconnecting the data is marked stale.
import { useNow } from "./clock";
import type { LiveState } from "@riskpulse/client";

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s ago`;
  const m = Math.round(s / 60);
  return m < 60 ? `${m} min ago` : `${Math.round(m / 60)} h ago`;
}

export function Freshness({ updatedAt, aliveAt, state }: { updatedAt: number; aliveAt: number | null; state: LiveState }) {
  const now = useNow();
  if (now === null) return <span className="muted freshness">&nbsp;</span>;
  const live = state === "live" || state === "sse" || state === "polling";
  const stale = !live && state !== "connecting";
  return (
    <span
      className={`freshness ${stale ? "stale" : "muted"}`}
      data-testid="freshness"
      data-stale={stale || undefined}
      title={aliveAt ? `channel last alive ${ago(now - aliveAt)}` : undefined}
    >
      {stale ? "Stale — " : ""}updated {ago(now - updatedAt)}
      {live && aliveAt ? ` · checked ${ago(now - aliveAt)}` : ""}
    </span>
  );
}
