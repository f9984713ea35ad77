// The real-time messages, in one place: every channel's messages keyed by `type`, the commands a
// client sends with their acknowledgements (the Socket.IO event maps of each namespace, the plain
// WebSocket's actions), and what polling answers. Server and browser both compile against it, so
// a wrong payload or event name fails the build. Where each channel is served is channels.ts;
// frames are built by frames.ts. Only type imports and plain constants here: nothing
// server-side reaches the browser bundle.
import type { Operation } from "fast-json-patch";
import type { DashboardSnapshot } from "../domain/dashboard/snapshot";
import type { ThrottleChange } from "../domain/events";
import type { AlertDto, QuotaDto, ViolationDto } from "../domain/quota/dto";
import type { QuotaStats } from "../domain/quota/stats";
import type { ErrorData } from "./codes";

/** The one message shape on every channel and transport. */
export interface Envelope<T extends string = string, D = unknown> {
  type: T;
  /** See ids.ts: "<offset>.<epoch>", or "<offset>-<n>.<epoch>" for a message sent to one client. Opaque to clients. */
  id: string;
  timestamp: string;
  data: D;
}

export interface DashboardUpdate extends DashboardSnapshot {
  version: number;
}
/** RFC 6902 operations turning the snapshot of `base_version` into that of `version`. */
export interface DashboardPatch {
  version: number;
  base_version: number;
  patch: Operation[];
}
export interface ResyncData {
  /** too_old: past the log's window; invalid: not an id of this log; reset: the log was lost and restarted (another epoch). */
  reason: "too_old" | "invalid" | "reset";
  message: string;
}
export type Empty = Record<string, never>;
export type TestData = Record<string, unknown>;
export type QuotaChange = QuotaDto & { change: "created" | "updated" | "deleted"; username?: string | null };

export interface ChannelMessages {
  dashboard: {
    dashboard_update: DashboardUpdate;
    dashboard_patch: DashboardPatch;
    pong: Empty;
    error: ErrorData;
    resync: ResyncData;
    test: TestData;
  };
  quotas: {
    stats: QuotaStats;
    violation: ViolationDto;
    alert: AlertDto;
    quota_change: QuotaChange;
    throttle: ThrottleChange;
    ping: Empty;
    pong: Empty;
    error: ErrorData;
    resync: ResyncData;
    test: TestData;
  };
}
export type ChannelName = keyof ChannelMessages;
export type MessageType<C extends ChannelName> = keyof ChannelMessages[C] & string;
/** A channel's messages as a union discriminated by `type`: switch on it and `data` narrows. */
export type Message<C extends ChannelName, T extends MessageType<C> = MessageType<C>> =
  T extends MessageType<C> ? Envelope<T, ChannelMessages[C][T]> : never;

/** What goes through each channel's log; a resume cursor moves only on these and on snapshots. */
export const LOGGED_TYPES = {
  dashboard: ["dashboard_patch", "test"],
  quotas: ["stats", "violation", "alert", "quota_change", "throttle", "test"],
} as const satisfies { [C in ChannelName]: readonly MessageType<C>[] };

/** The message a client starts from (on connect, after a resync) and gets for `refresh`. */
export const SNAPSHOT_TYPE = { dashboard: "dashboard_update", quotas: "stats" } as const satisfies { [C in ChannelName]: MessageType<C> };
export type SnapshotMessage<C extends ChannelName> = C extends "dashboard"
  ? Message<"dashboard", "dashboard_update">
  : Message<"quotas", "stats">;

/** Every type a channel can carry (SSE delivers only the named events a client listens to). */
export const MESSAGE_TYPES = {
  dashboard: ["dashboard_update", "dashboard_patch", "pong", "error", "resync", "test"],
  quotas: ["stats", "violation", "alert", "quota_change", "throttle", "ping", "pong", "error", "resync", "test"],
} as const satisfies { [C in ChannelName]: readonly MessageType<C>[] };

// ---- Socket.IO ---------------------------------------------------------------------------------

type Reply<C extends ChannelName, T extends MessageType<C>> = (reply: Message<C, T | "error">) => void;

/** Server → client: the event name is the envelope's type. */
export type ServerToClientEvents<C extends ChannelName> = { [T in MessageType<C>]: (env: Message<C, T>) => void };

export interface ClientToServerEvents {
  dashboard: {
    refresh: (ack?: Reply<"dashboard", "dashboard_update">) => void;
    ping: (ack?: Reply<"dashboard", "pong">) => void;
  };
  quotas: {
    ping: (ack?: Reply<"quotas", "pong">) => void;
  };
}
export type CommandName<C extends ChannelName> = keyof ClientToServerEvents[C] & string;

/** Socket.IO `auth` payload, read on every (re)connect. */
export interface SocketAuth {
  token?: string;
  /** The last envelope id the client holds: the server replays what came after it. */
  lastId?: string;
}

// ---- Polling and the plain WebSocket endpoints ---------------------------------------------------

export type PollAnswer<C extends ChannelName> =
  | { messages: Message<C>[]; next: string }
  | { messages: []; snapshot: SnapshotMessage<C>; resync: boolean; reason: "no_cursor" | ResyncData["reason"]; next: string };

/** What the original dashboard's clients send over the plain WebSocket endpoint. */
export interface PlainCommand {
  action: "refresh" | "ping";
}
