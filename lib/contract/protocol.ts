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
import type { MitigationDto } from "../domain/mitigations";
import type { RiskDto } from "../domain/risks";
import type { CommandResult as QuotaAnswer } from "../domain/quota/commands";
import type { Section } from "./sections";

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
/**
 * A `dashboard_update` as it is sent: every section (a DashboardUpdate), or only the sections the
 * client subscribed to (sections.ts), always with `version`.
 */
export type DashboardView = Partial<DashboardSnapshot> & { version: number };
/**
 * RFC 6902 operations turning the snapshot of `base_version` into that of `version`. On a
 * subscription to some sections, only their operations, and `base_version` is the newest earlier
 * version that touched one of them: apply when `base_version ≤ held < version` (for the whole
 * dashboard that is `held = base_version = version - 1`); otherwise ask for a snapshot.
 */
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
/** The changes a dashboard connection can make (write-commands: the REST routes' services). */
export type WriteCommandName = "create_risk" | "update_risk" | "create_mitigation" | "update_mitigation" | "record_command";
/**
 * A write command's answer: the REST route's body (`risk` or `mitigation`), or its error with the
 * REST status, code (REST's: `invalid_input`, `not_found`, `forbidden`, …),
 * message and details (`[{field, message}]` for bad input).
 */
export type CommandResult =
  | { ok: true; risk: RiskDto }
  | { ok: true; mitigation: MitigationDto }
  /** `record_command`: POST /api/v1/commands' answer and status (200 allowed, 429 refused with the violation). */
  | { ok: true; status: 200 | 429; quota: QuotaAnswer }
  | { ok: false; status: number; error: { code: string; message: string; details?: unknown } };
/** `command_result`: a write command's answer, naming the command and (plain WebSocket) the request. */
export type CommandResultData = CommandResult & { command: WriteCommandName; request_id?: string };
/** `update_risk` / `update_mitigation`: which one, and the fields to change (as the REST PATCH body). */
export interface UpdateArgs {
  id: number;
  patch: Record<string, unknown>;
}
/** `update_risk`: as UpdateArgs, with REST's If-Match (`"3"`, `W/"3"` or `3`) when the patch names no `version`. */
export interface UpdateRiskArgs extends UpdateArgs {
  if_match?: string | number;
}
/** A risk as GET /api/v1/risks/:id answers it: the fields and its score history, oldest first. */
export interface RiskDetail extends RiskDto {
  score_history: { score: number; recorded_at: string }[];
}
/** `risk_change` (a risk subscription): the risk's fields after a change (its `version` tells the order). */
export interface RiskChange {
  risk_id: number;
  change: "created" | "updated";
  risk: RiskDto;
}
/** `score_point` (a risk subscription): a new point of the risk's score history. */
export interface ScorePoint {
  risk_id: number;
  score: number;
  recorded_at: string;
}
/** `mitigation_change` (a risk subscription): one of the risk's mitigations was created, changed or deleted (then `mitigation` is null). */
export interface MitigationChange {
  risk_id: number;
  change: "created" | "updated" | "deleted";
  mitigation_id: number;
  mitigation: MitigationDto | null;
}
/** `risk_deleted` (a risk subscription): the risk is gone; nothing more comes for it. */
export interface RiskDeleted {
  risk_id: number;
}
export type Empty = Record<string, never>;
export type TestData = Record<string, unknown>;
export type QuotaChange = QuotaDto & { change: "created" | "updated" | "deleted"; username?: string | null };

export interface ChannelMessages {
  dashboard: {
    dashboard_update: DashboardView;
    dashboard_patch: DashboardPatch;
    pong: Empty;
    error: ErrorData;
    resync: ResyncData;
    test: TestData;
    command_result: CommandResultData;
    /** Only to a connection subscribed to that risk (`auth.risk`, `subscribe_risk`, `?risk=`). */
    risk_change: RiskChange;
    score_point: ScorePoint;
    mitigation_change: MitigationChange;
    risk_deleted: RiskDeleted;
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
  dashboard: ["dashboard_patch", "test", "risk_change", "score_point", "mitigation_change", "risk_deleted"],
  quotas: ["stats", "violation", "alert", "quota_change", "throttle", "test"],
} as const satisfies { [C in ChannelName]: readonly MessageType<C>[] };

/** The message a client starts from (on connect, after a resync) and gets for `refresh`. */
export const SNAPSHOT_TYPE = { dashboard: "dashboard_update", quotas: "stats" } as const satisfies { [C in ChannelName]: MessageType<C> };
export type SnapshotMessage<C extends ChannelName> = C extends "dashboard"
  ? Message<"dashboard", "dashboard_update">
  : Message<"quotas", "stats">;

/**
 * The dashboard log's per-risk messages: each names its risk (`data.risk_id`) and reaches only the
 * connections subscribed to that risk; every other connection (the original clients) never sees one.
 */
export const RISK_MESSAGE_TYPES = [
  "risk_change",
  "score_point",
  "mitigation_change",
  "risk_deleted",
] as const satisfies readonly MessageType<"dashboard">[];
export type RiskMessageType = (typeof RISK_MESSAGE_TYPES)[number];

/** Every type a channel can carry (SSE delivers only the named events a client listens to). */
export const MESSAGE_TYPES = {
  dashboard: [
    "dashboard_update",
    "dashboard_patch",
    "pong",
    "error",
    "resync",
    "test",
    "command_result",
    "risk_change",
    "score_point",
    "mitigation_change",
    "risk_deleted",
  ],
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
    /** Changes the sections live (`[]`: everything): answered with a snapshot of them; patches after it carry only them. */
    subscribe: (args: SubscribeArgs, ack?: Reply<"dashboard", "dashboard_update">) => void;
    /**
     * Follows one risk from now on (its field changes, score points, mitigations, deletion) besides
     * the sections: answered with a snapshot of the sections, or an `unknown_risk` error.
     */
    subscribe_risk: (args: SubscribeRiskArgs, ack?: Reply<"dashboard", "dashboard_update">) => void;
    /** Stops following the risk: answered with a snapshot of the sections. */
    unsubscribe_risk: (ack?: Reply<"dashboard", "dashboard_update">) => void;
    /** Changes over the socket, as the REST routes make them; acknowledged with a `command_result`. */
    create_risk: (risk: Record<string, unknown>, ack?: Reply<"dashboard", "command_result">) => void;
    update_risk: (args: UpdateRiskArgs, ack?: Reply<"dashboard", "command_result">) => void;
    create_mitigation: (mitigation: Record<string, unknown>, ack?: Reply<"dashboard", "command_result">) => void;
    update_mitigation: (args: UpdateArgs, ack?: Reply<"dashboard", "command_result">) => void;
    /** POST /api/v1/commands over the socket: `{command_type, user_id?}`. */
    record_command: (args: { command_type: string; user_id?: number }, ack?: Reply<"dashboard", "command_result">) => void;
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
  /** Dashboard: only these sections (none: everything). */
  sections?: Section[];
  /** Dashboard: also follow this risk (its messages; see RISK_MESSAGE_TYPES). */
  risk?: number;
}

/** The `subscribe` command's argument. */
export interface SubscribeArgs {
  sections: Section[];
}

/** The `subscribe_risk` command's argument (the plain WebSocket: `{"action":"subscribe_risk","id":7}`). */
export interface SubscribeRiskArgs {
  id: number;
}

// ---- Polling and the plain WebSocket endpoints ---------------------------------------------------

export type PollAnswer<C extends ChannelName> =
  | { messages: Message<C>[]; next: string }
  | { messages: []; snapshot: SnapshotMessage<C>; resync: boolean; reason: "no_cursor" | ResyncData["reason"]; next: string };

/** What the original dashboard's clients send over the plain WebSocket endpoint. */
export interface PlainCommand {
  action: "refresh" | "ping" | "subscribe" | "subscribe_risk" | "unsubscribe_risk" | WriteCommandName;
  /** `subscribe_risk`: the risk to follow. */
  id?: number;
  /** `subscribe` (dashboard): the sections wanted from now on (`[]`: everything). */
  sections?: Section[];
  /** A write command's argument: the fields (`create_*`), or `{id, patch}` (`update_*`). */
  args?: Record<string, unknown>;
  /** A write command's request id (≤ 64 characters), sent back in its `command_result`. */
  request_id?: string;
}
