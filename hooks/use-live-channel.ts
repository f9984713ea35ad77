"use client";
// One live channel for a page: opens the connection, hands every envelope to `onMessage`,
// publishes the status to the header light, and closes on unmount.
import { useCallback, useEffect, useRef, useState } from "react";
import { ChannelConnection } from "@/lib/client/connection";
import { DEFAULT_LIVE_OPTIONS, type LiveOptions } from "@/lib/client/options";
import { INITIAL_STATUS, statusStore, type LiveStatus } from "@/lib/client/status-store";
import type { ChannelName, Message, SnapshotMessage } from "@/lib/contract/protocol";

/** Per-browser overrides (operators and tests): localStorage["riskpulse.live"] = '{"upgradeInterval":5000}'. */
function storedOptions(): Partial<LiveOptions> {
  try {
    return JSON.parse(localStorage.getItem("riskpulse.live") ?? "{}") as Partial<LiveOptions>;
  } catch {
    return {};
  }
}

export function useLiveChannel<C extends ChannelName>(
  channel: C,
  onMessage: (env: Message<C>, conn: ChannelConnection<C>) => void,
  options: Partial<LiveOptions> = {},
  onResync: () => void = () => {},
  /** A refresh answered over REST (SSE, polling): the snapshot's data. */
  onRefreshed: (data: SnapshotMessage<C>["data"]) => void = () => {},
) {
  const [status, setStatus] = useState<LiveStatus>(INITIAL_STATUS);
  const [aliveAt, setAliveAt] = useState<number | null>(null);
  const conn = useRef<ChannelConnection<C> | null>(null);
  const handler = useRef(onMessage);
  const resync = useRef(onResync);
  const refreshed = useRef(onRefreshed);
  useEffect(() => {
    handler.current = onMessage;
    resync.current = onResync;
    refreshed.current = onRefreshed;
  });
  const optsKey = JSON.stringify(options);

  useEffect(() => {
    const opts = { ...DEFAULT_LIVE_OPTIONS, ...storedOptions(), ...(JSON.parse(optsKey) as Partial<LiveOptions>) };
    const c = new ChannelConnection<C>(
      channel,
      opts,
      (env) => {
        setAliveAt(Date.now());
        handler.current(env, c);
      },
      (s) => {
        setStatus(s);
        if (s.state !== "offline" && s.state !== "connecting" && s.state !== "reconnecting") setAliveAt(c.aliveAt);
        statusStore.publish(s, () => c.reconnect());
      },
      () => resync.current(),
      (data) => refreshed.current(data),
    );
    conn.current = c;
    c.start();
    // The heartbeat's answers prove the channel alive without any message for the page.
    const alive = setInterval(() => setAliveAt((prev) => (c.aliveAt && c.aliveAt !== prev ? c.aliveAt : prev)), 5000);
    return () => {
      clearInterval(alive);
      c.close();
      statusStore.publish(null);
    };
  }, [channel, optsKey]);

  const command = useCallback((name: "refresh" | "ping") => {
    if (!conn.current) return Promise.reject(new Error("not connected"));
    return conn.current.command(name);
  }, []);
  const reconnect = useCallback(() => conn.current?.reconnect(), []);
  return { status, aliveAt, command, reconnect };
}
