// Where a channel's log lives. Embedded mode: the application database (sql-backend.ts), one
// instance. Cluster mode: a Redis stream per channel (redis-backend.ts), shared by every
// instance. Either way: append() makes a message durable, the backend then hands it to the
// channel's deliver() in log order, exactly once; range() replays what memory no longer holds.
import crypto from "node:crypto";
import type { Cursor, Offset } from "../../contract/ids";
import type { ChannelName } from "../../contract/protocol";
import type { Logged } from "./logged";

/** What a backend feeds: a channel's memory of its log (realtime/channel.ts implements it). */
export interface ChannelLog {
  /** The epoch of the log this channel follows. */
  readonly epoch: string;
  /** Restores the recent history at start (see Channel.restore). */
  restore(recent: Logged[], position: Cursor, ringFloor: Cursor, epoch: string): void;
  /** Hands over messages in log order, each exactly once; `localState`: the projection state published with a single message here. */
  deliver(batch: Logged[], localState?: unknown): void;
}

export interface AppendEntry {
  type: string;
  data: unknown;
  /** The channel's projection state as of this message (the dashboard snapshot), stored with it. */
  state?: unknown;
  /** Only if this instance still holds the leader lease (cluster mode). */
  fence?: boolean;
}

export interface Restored {
  /** The projection state stored with the newest message that had one, and that message's position. */
  state: unknown;
  stateCursor: Cursor;
}

/** A channel log's storage (embedded: sql-backend.ts; cluster: cluster/redis-backend.ts). */
export interface LogBackend {
  /** Several instances read and write the same log. */
  readonly shared: boolean;
  /** Restores each channel's recent history, then starts delivering new messages to it. */
  start(channels: Record<ChannelName, ChannelLog>): Promise<Record<ChannelName, Restored>>;
  append(channel: ChannelName, entry: AppendEntry): Promise<Logged>;
  /** Messages in (after, upTo] of the log in `epoch`, or null when some are gone (or the log is not in that epoch any more). */
  range(channel: ChannelName, after: Offset, upTo: Offset, epoch: string): Promise<Logged[] | null>;
  /** Re-reads a channel's stored projection state (after a gap, cluster mode). */
  state(channel: ChannelName): Promise<Restored>;
  stop(): Promise<void>;
  status(): { ok: boolean; error: string | null };
}

/** A new log's epoch: random, so a log created again never reuses one (see ids.ts). */
export const newEpoch = () => crypto.randomBytes(6).toString("hex");

/** A leader's append refused because it no longer holds the lease (cluster mode). */
export class FencedError extends Error {
  constructor() {
    super("not the leader any more: message not published");
  }
}
