"use client";
// One live channel for a page: opens the connection, hands every envelope to `onMessage`,
// publishes the status to the header light, and closes on unmount.
import { useCallback, useEffect, useRef, useState } from "react";
import type { Envelope } from "@/lib/realtime/envelope";
import { LiveConnection, type LiveChannel } from "@/lib/realtime/client/connection";
import { DEFAULT_LIVE_OPTIONS, type LiveOptions } from "@/lib/realtime/client/options";
import { statusStore, type LiveStatus } from "@/lib/realtime/client/status-store";

/** Per-browser overrides (operators and tests): localStorage["riskpulse.live"] = '{"upgradeInterval":5000}'. */
function storedOptions(): Partial<LiveOptions> {
  try {
    return JSON.parse(localStorage.getItem("riskpulse.live") ?? "{}") as Partial<LiveOptions>;
  } catch {
    return {};
  }
}

const INITIAL: LiveStatus = { state: "connecting", source: null, error: null, attempt: 0, nextRetryAt: null };

export function useLiveChannel(
  channel: LiveChannel,
  onMessage: (env: Envelope, conn: LiveConnection) => void,
  options: Partial<LiveOptions> = {},
  onResync: () => void = () => {},
) {
  const [status, setStatus] = useState<LiveStatus>(INITIAL);
  const conn = useRef<LiveConnection | null>(null);
  const handler = useRef(onMessage);
  handler.current = onMessage;
  const resync = useRef(onResync);
  resync.current = onResync;
  const optsKey = JSON.stringify(options);

  useEffect(() => {
    const opts = { ...DEFAULT_LIVE_OPTIONS, ...storedOptions(), ...(JSON.parse(optsKey) as Partial<LiveOptions>) };
    const c = new LiveConnection(
      channel,
      opts,
      (env) => handler.current(env, c),
      (s) => {
        setStatus(s);
        statusStore.publish(s, () => c.reconnect());
      },
      () => resync.current(),
    );
    conn.current = c;
    c.start();
    return () => {
      c.close();
      statusStore.publish(null);
    };
  }, [channel, optsKey]);

  const command = useCallback((name: "refresh" | "ping") => {
    if (!conn.current) return Promise.reject(new Error("not connected"));
    return conn.current.command(name);
  }, []);
  const reconnect = useCallback(() => conn.current?.reconnect(), []);
  return { status, command, reconnect };
}
