"use client";
// Live dashboard data: starts from the server-rendered snapshot, then follows the dashboard
// channel (full updates and patches) over whichever source is live. Returns the original
// client's shape ({data, loading, error, connected, reconnecting, source, refresh}) plus the
// freshness and session state the page shows.
import { useCallback, useRef, useState } from "react";
import { applyDashboardMessage } from "@/lib/client/dashboard-state";
import { isTerminal } from "@/lib/contract/codes";
import type { LiveOptions } from "@/lib/client/options";
import type { DashboardUpdate } from "@/lib/contract/protocol";
import { useLiveChannel } from "./use-live-channel";

export function useDashboard(initial: DashboardUpdate, options: Partial<LiveOptions> = {}) {
  const [data, setData] = useState(initial);
  const [notice, setNotice] = useState<string | null>(null);
  const [updatedAt, setUpdatedAt] = useState(() => Date.now());
  const dataRef = useRef(initial);

  const { status, aliveAt, command, reconnect } = useLiveChannel(
    "dashboard",
    (env, conn) => {
      // A shutdown notice is followed by a reconnect (the status light says so); others are worth showing.
      if (env.type === "error") return env.data.code === "shutdown" || isTerminal(env.data.code) ? undefined : setNotice(env.data.error);
      const r = applyDashboardMessage(dataRef.current, env);
      if (r.kind === "updated") {
        if (JSON.stringify(r.data) !== JSON.stringify(dataRef.current)) setUpdatedAt(Date.now());
        dataRef.current = r.data;
        setData(r.data);
      } else if (r.kind === "gap") {
        void conn.command("refresh").catch(() => undefined); // the full snapshot arrives as a dashboard_update
      }
    },
    options,
  );

  const refresh = useCallback(async () => {
    setNotice(null);
    await command("refresh")
      .then((env) => {
        if (env.type === "error") setNotice(env.data.error);
      })
      .catch((e: Error) => setNotice(e.message));
  }, [command]);

  return {
    data,
    loading: false, // the server rendered the first snapshot
    error: notice ?? status.error,
    connected: status.state === "live",
    reconnecting: status.state === "reconnecting",
    source: status.source,
    state: status.state,
    /** Why the connection ended for good (the session ended, the token was revoked …), or null. */
    ended: status.terminal,
    updatedAt,
    aliveAt,
    refresh,
    reconnect,
  };
}
