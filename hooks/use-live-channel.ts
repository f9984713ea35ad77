"use client";
// One live channel for a page: the package's useLiveChannel (@riskpulse/client/react), with the
// per-browser overrides operators and tests set in localStorage.
import { useLiveChannel as useChannel } from "@riskpulse/client/react";
import type { ChannelConnection, LiveOptions } from "@riskpulse/client";
import type { ChannelName, Message, SnapshotMessage } from "@/lib/contract/protocol";
import type { Section } from "@/lib/contract/sections";

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
  /** Dashboard: the sections the page draws (every transport asks for only those); none: everything. */
  sections?: readonly Section[],
  /** Dashboard: the risk the page follows, and the log position its server-rendered data is as of (resumed from). */
  follow: { risk?: number; lastId?: string } = {},
) {
  return useChannel(channel, onMessage, { ...storedOptions(), ...options }, onResync, onRefreshed, {
    ...(sections ? { sections } : {}),
    ...follow,
  });
}
