// Where each channel is served, by transport, and who may subscribe. The only list of channels:
// the server, the browser, the Redis backend and the metrics all read it from here. Imports
// nothing but types, so the browser uses it too.
import type { ChannelName } from "./protocol";

/** Every channel, in a fixed order (the order streams are read and figures are listed in). */
export const CHANNEL_NAMES = ["dashboard", "quotas", "notifications"] as const satisfies readonly ChannelName[];

export const SOCKET_PATH = "/socket.io";

/** Where each channel is served, by transport; `role` is who may subscribe (null: anyone signed in). */
export const CHANNELS = {
  dashboard: {
    namespace: "/dashboard",
    sse: "/api/v1/sse/dashboard",
    poll: "/api/v1/events/dashboard",
    websocket: "/api/v1/ws/dashboard",
    snapshot: "/api/v1/dashboard",
    role: null,
  },
  quotas: {
    namespace: "/admin/quotas",
    sse: "/api/v1/sse/admin/quotas",
    poll: "/api/v1/events/quotas",
    websocket: "/ws/admin/quotas",
    snapshot: "/api/v1/quotas/stats",
    role: "admin",
  },
  /** The signed-in user's own notifications; the user is the connection's, never the client's choice. */
  notifications: {
    namespace: "/notifications",
    sse: "/api/v1/sse/notifications",
    poll: "/api/v1/events/notifications",
    websocket: "/api/v1/ws/notifications",
    snapshot: "/api/v1/me/notifications",
    role: null,
  },
} as const satisfies {
  [C in ChannelName]: { namespace: string; sse: string; poll: string; websocket: string; snapshot: string; role: "admin" | null };
};

/** Is `name` a channel? (Route parameters, test input.) */
export const isChannelName = (name: unknown): name is ChannelName => typeof name === "string" && Object.hasOwn(CHANNELS, name);

const PLAIN_WEBSOCKET_PATHS: ReadonlyMap<string, ChannelName> = new Map(CHANNEL_NAMES.map((c) => [CHANNELS[c].websocket, c]));

/**
 * The channel whose plain WebSocket endpoint a request URL names (the query is ignored), or null.
 *
 * @example
 * plainWebSocketChannel("/ws/admin/quotas?token=rp_…"); // "quotas"
 */
export function plainWebSocketChannel(url: string | undefined): ChannelName | null {
  return PLAIN_WEBSOCKET_PATHS.get((url ?? "").split("?")[0] ?? "") ?? null;
}
