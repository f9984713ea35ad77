"use client";
// Live dashboard data: starts from the server-rendered snapshot, then follows the /dashboard
// channel (full updates and patches). The seed's return shape, whichever source delivers.
import { useCallback, useEffect, useRef, useState } from "react";
import type { DashboardUpdate } from "@/lib/realtime/dashboard-feed";
import type { Envelope } from "@/lib/realtime/envelope";
import { LiveConnection } from "@/lib/realtime/client/connection";
import { applyDashboardMessage } from "@/lib/realtime/client/dashboard-state";
import { DEFAULT_LIVE_OPTIONS, type LiveOptions } from "@/lib/realtime/client/options";
import { statusStore, type LiveStatus } from "@/lib/realtime/client/status-store";

export function useDashboard(initial: DashboardUpdate, options: Partial<LiveOptions> = {}) {
  const [data, setData] = useState(initial);
  const [status, setStatus] = useState<LiveStatus>({ state: "connecting", source: null, error: null, attempt: 0, nextRetryAt: null });
  const [notice, setNotice] = useState<string | null>(null);
  const dataRef = useRef(initial);
  const conn = useRef<LiveConnection | null>(null);
  const optsKey = JSON.stringify(options);

  useEffect(() => {
    const opts = { ...DEFAULT_LIVE_OPTIONS, ...(JSON.parse(optsKey) as Partial<LiveOptions>) };
    const c = new LiveConnection(
      "dashboard",
      opts,
      (env: Envelope) => {
        if (env.type === "error") {
          setNotice((env.data as { error: string }).error);
          return;
        }
        const r = applyDashboardMessage(dataRef.current, env);
        if (r.kind === "updated") {
          dataRef.current = r.data;
          setData(r.data);
        } else if (r.kind === "gap") {
          void c.command("refresh").catch(() => undefined); // the full snapshot arrives as a dashboard_update
        }
      },
      (s) => {
        setStatus(s);
        statusStore.publish(s, () => c.reconnect());
      },
    );
    conn.current = c;
    c.start();
    return () => {
      c.close();
      statusStore.publish(null);
    };
  }, [optsKey]);

  const refresh = useCallback(async () => {
    setNotice(null);
    await conn.current?.command("refresh").catch((e: Error) => setNotice(e.message));
  }, []);
  const reconnect = useCallback(() => conn.current?.reconnect(), []);

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
