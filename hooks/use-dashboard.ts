"use client";
// Live dashboard data: starts from the server-rendered snapshot, then follows the dashboard
// channel (full updates and patches) over whichever source is live. Returns the data, the
// connection's state and notice, the freshness and session state the page shows, and refresh.
import { useCallback, useRef, useState } from "react";
import { applyDashboardMessage, type LiveOptions } from "@riskpulse/client";
import { isTerminal } from "@/lib/contract/codes";
import type { DashboardUpdate } from "@/lib/contract/protocol";
import { useLiveChannel } from "./use-live-channel";

export function useDashboard(initial: DashboardUpdate, options: Partial<LiveOptions> = {}) {
  const [data, setData] = useState(initial);
  const [notice, setNotice] = useState<string | null>(null);
  const [updatedAt, setUpdatedAt] = useState(() => Date.now());
  const dataRef = useRef(initial);

  const show = useCallback((next: DashboardUpdate) => {
    if (JSON.stringify(next) !== JSON.stringify(dataRef.current)) setUpdatedAt(Date.now());
    dataRef.current = next;
    setData(next);
  }, []);

  const { status, aliveAt, command } = useLiveChannel(
    "dashboard",
    (env, conn) => {
      // A shutdown notice is followed by a reconnect (the status light says so); others are worth showing.
      if (env.type === "error") return env.data.code === "shutdown" || isTerminal(env.data.code) ? undefined : setNotice(env.data.error);
      const r = applyDashboardMessage(dataRef.current, env);
      if (r.kind === "updated") show(r.data);
      else if (r.kind === "gap") void conn.command("refresh").catch(() => undefined); // the full snapshot follows
    },
    options,
    undefined,
    // A refresh over REST (SSE, polling) answers with the snapshot itself: authoritative, like a dashboard_update.
    (update) => show(update),
  );

  const refresh = useCallback(async () => {
    setNotice(null);
    await command("refresh").catch((e: Error) => setNotice(e.message));
  }, [command]);

  return {
    data,
    error: notice ?? status.error,
    state: status.state,
    /** Why the connection ended for good (the session ended, the token was revoked …), or null. */
    ended: status.terminal,
    updatedAt,
    aliveAt,
    refresh,
  };
}
