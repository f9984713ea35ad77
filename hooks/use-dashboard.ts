"use client";
// Live dashboard data: starts from the server-rendered snapshot, then follows the /dashboard
// channel (full updates and patches). The seed's return shape, whichever source delivers.
import { useCallback, useRef, useState } from "react";
import type { DashboardUpdate } from "@/lib/realtime/dashboard-feed";
import { applyDashboardMessage } from "@/lib/realtime/client/dashboard-state";
import type { LiveOptions } from "@/lib/realtime/client/options";
import { useLiveChannel } from "./use-live-channel";

export function useDashboard(initial: DashboardUpdate, options: Partial<LiveOptions> = {}) {
  const [data, setData] = useState(initial);
  const [notice, setNotice] = useState<string | null>(null);
  const dataRef = useRef(initial);

  const { status, command, reconnect } = useLiveChannel(
    "dashboard",
    (env, conn) => {
      if (env.type === "error") return setNotice((env.data as { error: string }).error);
      const r = applyDashboardMessage(dataRef.current, env);
      if (r.kind === "updated") {
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
    await command("refresh").catch((e: Error) => setNotice(e.message));
  }, [command]);

  return {
    data,
    loading: false, // the server rendered the first snapshot
    error: notice ?? status.error,
    connected: status.state === "live",
    reconnecting: status.state === "reconnecting",
    source: status.source,
    state: status.state,
    refresh,
    reconnect,
  };
}
