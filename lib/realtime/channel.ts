// A channel ("dashboard", "quotas") is one message log plus everything that delivers it. Every
// message is appended to the log backend first (durable: a database table, or a Redis stream in
// cluster mode) and only then delivered, in id order, to this instance's subscribers: a client
// can never see a message that a restart would forget. Every transport (Socket.IO, plain
// WebSocket, SSE, polling) subscribes through attach() (resume.ts), which resumes after the
// client's cursor. The recent log is held in a ring (log/ring.ts); figures in broadcast-stats.ts.
import "server-only";
import { performance } from "node:perf_hooks";
import { compareIds, cursorOf, directId, epochOf, inEpoch, offsetOf, type Cursor, ZERO_ID } from "../contract/ids";
import { envelope } from "../contract/frames";
import type { ErrorData } from "../contract/codes";
import type { ChannelName, Message, MessageType, SnapshotMessage } from "../contract/protocol";
import { BroadcastStats, type ChannelStats } from "./broadcast-stats";
import { Listeners } from "./listeners";
import type { ChannelLog, LogBackend } from "./log/backend";
import { logged, type Logged } from "./log/logged";
import { MessageRing } from "./log/ring";
import { attach, catchUp, type AttachTarget, type CatchUp } from "./resume";

export type { Logged } from "./log/logged";
export type { ChannelStats } from "./broadcast-stats";
export type { AttachTarget, CatchUp } from "./resume";

/** A subscriber of the live fan-out: called with every delivered message, in order. */
export type Sink = (message: Logged) => void;

/** Turns delivered messages into the channel's current state (the dashboard snapshot, the latest stats). */
export interface Projection<C extends ChannelName> {
  apply(message: Message<C>, localState?: unknown): void;
  /** The message a client starts from, stamped with `id`; null while there is none yet. */
  snapshot(id: string): SnapshotMessage<C> | null;
  /** Waits until there is a snapshot (startup). */
  ready(): Promise<void>;
  /** The log's recent history as restored at start (before any delivery), oldest first. */
  restored?(recent: readonly Logged[]): void;
}

/** What a channel tells its observers (metrics, the hub's gap healing, logging). */
export type ChannelEvents = {
  /** After each message: its type, the time spent writing it to every sink, the sinks, and the time since it was published. */
  delivered: [type: string, ms: number, sinks: number, sincePublishMs: number];
  /** A sink or the projection threw (one broken transport must not starve the others). */
  failed: [err: unknown];
};

/** One channel's log as this instance follows it, and its live fan-out. */
export class Channel<C extends ChannelName = ChannelName> implements ChannelLog {
  private ring: MessageRing;
  private sinks = new Set<Sink>();
  /** The newest message delivered here (its position, with the log's epoch). */
  lastId: Cursor = ZERO_ID;
  /** The log's epoch: positions from any other one mean nothing here. */
  epoch = "";
  /** Epochs this instance saw replaced: a cursor from one of them gets a resync without waiting. */
  private pastEpochs = new Set<string>();
  private epochWaiters: { epoch: string; resolve: () => void }[] = [];
  private positionWaiters: { id: Cursor; resolve: () => void }[] = [];
  private figures = new BroadcastStats();
  /** Subscribe to `delivered` and `failed`; any number of listeners, in any order. */
  readonly events = new Listeners<ChannelEvents>();

  constructor(
    readonly name: C,
    capacity: number,
    private backend: LogBackend,
    readonly projection: Projection<C>,
    /** Clients on this channel, every transport counted once (the connection registry). */
    private clients: () => number = () => 0,
  ) {
    this.ring = new MessageRing(capacity);
  }

  /** Several instances share this channel's log (cluster mode). */
  get shared(): boolean {
    return this.backend.shared;
  }

  /**
   * Restores the log's recent history (from the backend, at start). `ringFloor`: the position
   * right before `recent`, when the backend knows nothing is missing in between.
   */
  restore(recent: Logged[], position: Cursor, ringFloor: Cursor, epoch: string): void {
    this.ring.restore(recent, ringFloor);
    this.projection.restored?.(recent);
    this.epoch = epoch;
    this.lastId = inEpoch(position, epoch);
  }

  /**
   * The log was lost and started again under a new epoch (cluster mode: the stream vanished).
   * What memory holds belongs to the old log; the new one starts empty.
   */
  private newEpoch(epoch: string) {
    if (this.epoch) this.pastEpochs.add(this.epoch);
    this.epoch = epoch;
    this.ring.reset(inEpoch(ZERO_ID, epoch));
    this.lastId = inEpoch(ZERO_ID, epoch);
    const ready = this.epochWaiters.filter((w) => w.epoch === epoch);
    this.epochWaiters = this.epochWaiters.filter((w) => w.epoch !== epoch);
    ready.forEach((w) => w.resolve());
  }

  /** Did this instance see the log in `epoch` replaced by a newer one? */
  replacedEpoch(epoch: string): boolean {
    return this.pastEpochs.has(epoch);
  }

  /** Appends a message to the log; resolves once it is durable (it is delivered then, or — in cluster mode — when read back). */
  publish<T extends MessageType<C>>(
    type: T,
    data: Message<C, T>["data"],
    opts: { state?: unknown; fence?: boolean } = {},
  ): Promise<Logged> {
    return this.backend.append(this.name, { type, data, state: opts.state, fence: opts.fence });
  }

  /** The backend hands over messages in log order, each exactly once: remember, project, fan out. */
  deliver(batch: Logged[], localState?: unknown): void {
    for (const m of batch) {
      const t0 = performance.now();
      const epoch = epochOf(m.envelope.id);
      if (epoch && epoch !== this.epoch) this.newEpoch(epoch);
      this.ring.push(m);
      this.lastId = cursorOf(m.envelope.id);
      if (this.positionWaiters.length) this.releasePositionWaiters();
      try {
        this.projection.apply(m.envelope as Message<C>, batch.length === 1 ? localState : undefined);
      } catch (err) {
        this.events.emit("failed", err);
      }
      for (const sink of this.sinks) {
        try {
          sink(m);
        } catch (err) {
          this.events.emit("failed", err); // one broken transport must not starve the others
        }
      }
      const ms = performance.now() - t0;
      this.figures.record(ms, m.envelope.timestamp);
      this.events.emit("delivered", m.envelope.type, ms, this.sinks.size, Date.now() - Date.parse(m.envelope.timestamp));
    }
  }

  /** The recent log, oldest first. */
  entries(): Logged[] {
    return this.ring.entries();
  }

  /** How many messages memory holds. */
  get size(): number {
    return this.ring.size;
  }

  /** A message for one client (a reply, a notice), with a unique id that sorts at the current position. */
  direct<T extends MessageType<C>>(type: T, data: Message<C, T>["data"]): Logged<Message<C, T>> {
    return logged(envelope(type, directId(this.lastId), data) as Message<C, T>);
  }

  /** An error for one client (every channel has them). */
  error(data: ErrorData): Logged {
    return logged(envelope("error", directId(this.lastId), data));
  }

  /** The client's starting point, as of the current position; null before the first one exists. */
  snapshot(): Logged | null {
    const env = this.projection.snapshot(directId(this.lastId));
    return env ? logged(env) : null;
  }

  /** See resume.ts: what a client resuming after `cursor` gets. */
  catchUp(cursor: string | null): Promise<CatchUp> {
    return catchUp(this as unknown as Channel, cursor);
  }

  /** See resume.ts: subscribes a client, resuming after `cursor`, then live. */
  attach(cursor: string | null, target: AttachTarget): Promise<CatchUp["kind"] | "closed"> {
    return attach(this as unknown as Channel, cursor, target);
  }

  /** Messages in (after, upTo], from memory when it reaches back far enough, else from the backend (null: gone). */
  replay(after: Cursor, upTo: Cursor): Promise<Logged[] | null> {
    if (this.ring.covers(after)) return Promise.resolve(this.ring.slice(after, upTo));
    return this.backend.range(this.name, offsetOf(after), offsetOf(upTo), this.epoch);
  }

  /** Resolves once this channel is in `epoch` (or after the timeout). */
  waitForEpoch(epoch: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const w = { epoch, resolve };
      this.epochWaiters.push(w);
      setTimeout(() => {
        this.epochWaiters = this.epochWaiters.filter((x) => x !== w);
        resolve();
      }, timeoutMs).unref();
    });
  }

  /** Resolves once a message at or after `id` has been delivered here (or after the timeout). */
  waitFor(id: Cursor, timeoutMs: number): Promise<void> {
    if (compareIds(this.lastId, id) >= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const w = { id, resolve };
      this.positionWaiters.push(w);
      setTimeout(() => {
        this.positionWaiters = this.positionWaiters.filter((x) => x !== w);
        resolve();
      }, timeoutMs).unref();
    });
  }

  private releasePositionWaiters() {
    const ready = this.positionWaiters.filter((w) => compareIds(this.lastId, w.id) >= 0);
    if (ready.length === 0) return;
    this.positionWaiters = this.positionWaiters.filter((w) => !ready.includes(w));
    ready.forEach((w) => w.resolve());
  }

  /** Joins the live fan-out; returns the function that leaves it. */
  addSink(sink: Sink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  get sinkCount(): number {
    return this.sinks.size;
  }

  /** Clients on this channel on this instance, every transport. */
  clientCount(): number {
    return this.clients();
  }

  /** This channel's delivery figures (GET /api/v1/ws/stats). */
  stats(): ChannelStats {
    return this.figures.view(this.clientCount());
  }
}

/** Either channel, for code that only uses what both have. */
export type AnyChannel = Channel<"dashboard"> | Channel<"quotas"> | Channel<"notifications">;
