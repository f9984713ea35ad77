// Client commands, whatever the transport: `refresh` (limited per user across all their
// connections: REFRESH_RATE_LIMIT per REFRESH_RATE_WINDOW_MS) and `ping`. Each returns the
// message to send back.
import type { Principal } from "../../auth/principal";
import type { Config } from "../../config";
import type { Channel, Logged } from "../channel";
import { errorData } from "../../contract/codes";
import type { RealtimeHub } from "../hub";
import type { ChannelName, DashboardUpdate } from "../../contract/protocol";

export type Refreshed =
  { ok: true; message: Logged; update: DashboardUpdate } | { ok: false; message: Logged; error: string; retryAfterMs: number };

/**
 * The `refresh` command, on any transport and over REST: within the user's rate limit, re-reads
 * the dashboard now and returns the update for the asker (every client gets what changed as a
 * patch); past it, a `rate_limited` error with the wait.
 */
export async function refreshCommand(
  hub: RealtimeHub,
  principal: Principal,
  config: Pick<Config, "REFRESH_RATE_LIMIT" | "REFRESH_RATE_WINDOW_MS">,
): Promise<Refreshed> {
  const channel = hub.channels.dashboard;
  if (!hub.refreshLimit.take(principal.userId)) {
    const wait = hub.refreshLimit.retryAfter(principal.userId);
    const error = `refresh rate limit: at most ${config.REFRESH_RATE_LIMIT} per ${config.REFRESH_RATE_WINDOW_MS / 1000}s; retry in ${Math.ceil(wait / 1000)}s`;
    return {
      ok: false,
      message: channel.error(errorData("rate_limited", error, { retry_after_ms: wait })),
      error,
      retryAfterMs: wait,
    };
  }
  hub.feed.markDirty(null); // re-read the database now; every client gets what changed
  const update = await hub.feed.current();
  return { ok: true, message: channel.direct("dashboard_update", update) as Logged, update };
}

/** The `ping` command's answer: a `pong` on the channel, for this client only. */
export function pingCommand(hub: RealtimeHub, name: ChannelName): Logged {
  return (hub.channels[name] as Channel).direct("pong", {});
}

/** Logs an unknown command at most once a minute per connection, and counts every one. */
export function unknownCommandReporter(hub: RealtimeHub, log: { warn: (o: object, msg: string) => void }, who: () => object) {
  let lastLogged = 0;
  return (command: string) => {
    hub.counters.unknownCommands++;
    const now = Date.now();
    if (now - lastLogged < 60_000) return;
    lastLogged = now;
    log.warn(
      { command: command.slice(0, 64), ...who() },
      "unknown real-time command (further ones from this connection are not logged for a minute)",
    );
  };
}
