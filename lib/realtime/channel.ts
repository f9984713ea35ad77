// A channel ("dashboard", "quotas") is one message log plus everything that delivers it. Every
// message is appended to the log backend first (durable: a database table, or a Redis stream in
// cluster mode) and only then delivered, in id order, to this instance's subscribers: a client
// can never see a message that a restart would forget. Every transport (Socket.IO, plain
// WebSocket, SSE, polling) attaches through attach(), which resumes after the client's cursor.
import "server-only";
import { performance } from "node:perf_hooks";
import { compareIds, cursorOf, directId, epochOf, inEpoch, isId, offsetOf, type Cursor, ZERO_ID } from "../contract/ids";
import type { LogBackend } from "./log/backend";
import type { ErrorData } from "../contract/codes";
import type { ChannelName, Envelope, Message, MessageType, ResyncData, SnapshotMessage } from "../contract/protocol";

/** An envelope with its JSON text, serialised once and shared by every client. */
export interface Logged<E extends Envelope = Envelope> {
  envelope: E;
  json: string;
}
export const logged = <E extends Envelope>(envelope: E): Logged<E> => ({ envelope, json: JSON.stringify(envelope) });

export type Sink = (message: Logged) => void;

/** What a transport gives attach(): how to send one message, and how to join the live fan-out. */
export interface AttachTarget {
  send(message: Logged): void;
  /** Called once, synchronously after the catch-up: from now on deliver live messages. */
  live(): void;
  /** The client went away meanwhile: stop. */
  isClosed?(): boolean;
}
export type CatchUp =
  | { kind: "messages"; messages: Logged[]; covered: string }
  | { kind: "snapshot"; snapshot: Logged; covered: string; reason: ResyncReason | "no_cursor" };
type ResyncReason = ResyncData["reason"];

export interface ChannelStats {
  connected_clients: number;
  total_broadcasts: number;
  last_broadcast: string | null;
  avg_broadcast_time_ms: number;
}

/** Turns delivered messages into the channel's current state (the dashboard snapshot, the latest stats). */
export interface Projection<C extends ChannelName> {
  apply(message: Message<C>, localState?: unknown): void;
  /** The message a client starts from, stamped with `id`; null while there is none yet. */
  snapshot(id: string): SnapshotMessage<C> | null;
  /** Waits until there is a snapshot (startup). */
  ready(): Promise<void>;
}

export class Channel<C extends ChannelName = ChannelName> {
  private ring: Logged[] = [];
  private ringStart = 0;
  private sinks = new Set<Sink>();
  /** The newest message delivered here (its position, with the log's epoch). */
  lastId: Cursor = ZERO_ID;
  /** The log's epoch: positions from any other one mean nothing here. */
  epoch = "";
  /** Epochs this instance saw replaced: a cursor from one of them gets a resync without waiting. */
  private pastEpochs = new Set<string>();
  private epochWaiters: { epoch: string; resolve: () => void }[] = [];
  /** Cursors at or after this can be replayed from memory; older ones ask the backend. */
  private ringFloor: Cursor = ZERO_ID;
  private positionWaiters: { id: Cursor; resolve: () => void }[] = [];
  private broadcasts = 0;
  private broadcastMs = 0;
  private lastBroadcast: string | null = null;
  onError: (err: unknown) => void = () => {};
  /** After each message: its type, the time spent writing it to every sink, and the time since it was published. */
  onDelivered: (type: string, ms: number, sinks: number, sincePublishMs: number) => void = () => {};

  constructor(
    readonly name: C,
    private capacity: number,
    private backend: LogBackend,
    readonly projection: Projection<C>,
    /** Clients on this channel, every transport counted once (the connection registry). */
    private clients: () => number = () => 0,
  ) {}

  /**
   * Restores the log's recent history (from the backend, at start). `ringFloor`: the position
   * right before `recent`, when the backend knows nothing is missing in between.
   */
  restore(recent: Logged[], position: Cursor, ringFloor: Cursor, epoch: string) {
    this.ring = recent.slice(-this.capacity);
    this.ringStart = 0;
    const first = this.ring[0];
    this.ringFloor = recent.length > this.ring.length && first ? cursorOf(first.envelope.id) : ringFloor;
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
    this.ring = [];
    this.ringStart = 0;
    this.ringFloor = inEpoch(ZERO_ID, epoch);
    this.lastId = inEpoch(ZERO_ID, epoch);
    const ready = this.epochWaiters.filter((w) => w.epoch === epoch);
    this.epochWaiters = this.epochWaiters.filter((w) => w.epoch !== epoch);
    ready.forEach((w) => w.resolve());
  }

  /** Appends a message to the log; resolves once it is durable (it is delivered then, or — in cluster mode — when read back). */
  publish<T extends MessageType<C>>(
    type: T,
    data: Message<C, T>["data"],
    opts: { state?: unknown; fence?: boolean } = {},
  ): Promise<Logged> {
    return this.backend.append(this.name, { type, data, state: opts.state, fence: opts.fence });
  }

  /** The backend hands over messages in log order, each exactly once. */
  deliver(batch: Logged[], localState?: unknown): void {
    for (const m of batch) {
      const t0 = performance.now();
      const epoch = epochOf(m.envelope.id);
      if (epoch && epoch !== this.epoch) this.newEpoch(epoch);
      this.remember(m);
      this.lastId = cursorOf(m.envelope.id);
      if (this.positionWaiters.length) this.releasePositionWaiters();
      try {
        this.projection.apply(m.envelope as Message<C>, batch.length === 1 ? localState : undefined);
      } catch (err) {
        this.onError(err);
      }
      for (const sink of this.sinks) {
        try {
          sink(m);
        } catch (err) {
          this.onError(err); // one broken transport must not starve the others
        }
      }
      const ms = performance.now() - t0;
      this.broadcastMs += ms;
      this.broadcasts++;
      this.lastBroadcast = m.envelope.timestamp;
      this.onDelivered(m.envelope.type, ms, this.sinks.size, Date.now() - Date.parse(m.envelope.timestamp));
    }
  }

  private remember(m: Logged) {
    if (this.ring.length < this.capacity) {
      this.ring.push(m);
      return;
    }
    const dropped = this.ring[this.ringStart]!;
    this.ringFloor = cursorOf(dropped.envelope.id);
    this.ring[this.ringStart] = m;
    this.ringStart = (this.ringStart + 1) % this.capacity;
  }

  /** The recent log, oldest first. */
  entries(): Logged[] {
    return this.ringStart === 0 ? this.ring.slice() : [...this.ring.slice(this.ringStart), ...this.ring.slice(0, this.ringStart)];
  }

  get size() {
    return this.ring.length;
  }

  /** A message for one client, with a unique id that sorts at the current position. */
  direct<T extends MessageType<C>>(type: T, data: Message<C, T>["data"]): Logged<Message<C, T>> {
    return logged({ type, id: directId(this.lastId), timestamp: new Date().toISOString(), data } as Message<C, T>);
  }

  /** An error for one client (every channel has them). */
  errorMessage(data: ErrorData): Logged {
    return logged({ type: "error", id: directId(this.lastId), timestamp: new Date().toISOString(), data });
  }

  pongMessage(): Logged {
    return logged({ type: "pong", id: directId(this.lastId), timestamp: new Date().toISOString(), data: {} });
  }

  private resyncMessage(data: ResyncData): Logged {
    return logged({ type: "resync", id: directId(this.lastId), timestamp: new Date().toISOString(), data });
  }

  /** The client's starting point, as of the current position; null before the first one exists. */
  snapshot(): Logged | null {
    const env = this.projection.snapshot(directId(this.lastId));
    return env ? logged(env) : null;
  }

  /**
   * What a client resuming after `cursor` should get: the messages after it (up to what has been
   * delivered here), or a snapshot when there is no usable cursor. `covered` is the position the
   * answer brings the client to.
   */
  async catchUp(cursor: string | null): Promise<CatchUp> {
    let reason: ResyncReason | "no_cursor" = "no_cursor";
    if (cursor !== null) {
      // "0-0" alone is the start of whatever log there is.
      const zero = cursor === ZERO_ID;
      const epoch = !isId(cursor) ? null : zero ? this.epoch : epochOf(cursor);
      // A cursor from an epoch this instance has not seen yet may come from an instance that read
      // the restarted shared log first: wait for it (one of an epoch seen replaced: no point).
      if (epoch && epoch !== this.epoch && this.backend.shared && !this.pastEpochs.has(epoch)) await this.waitForEpoch(epoch, 3000);
      // Likewise a cursor ahead of us comes from an instance further along the shared log.
      const ahead = () => epoch === this.epoch && compareIds(cursorOf(cursor), this.lastId) > 0;
      if (this.backend.shared && ahead()) await this.waitFor(cursorOf(cursor), 3000);
      if (epoch === null || (!zero && !epoch)) reason = "invalid";
      else if (epoch !== this.epoch) reason = "reset";
      else if (ahead()) reason = "invalid";
      else {
        const r = await this.replay(inEpoch(cursor, epoch), this.lastId);
        if (r) return { kind: "messages", messages: r, covered: r.at(-1)?.envelope.id ?? cursor };
        reason = "too_old";
      }
    }
    await this.projection.ready();
    // Read position and snapshot in the same tick: the snapshot is exactly "as of lastId".
    const snapshot = this.snapshot()!;
    return { kind: "snapshot", snapshot, covered: snapshot.envelope.id, reason };
  }

  /** Messages in (after, upTo], from memory when it reaches back far enough, else from the backend (null: gone). */
  private async replay(after: Cursor, upTo: Cursor): Promise<Logged[] | null> {
    if (compareIds(after, this.ringFloor) >= 0) return sliceAfter(this.entries(), after, upTo);
    return this.backend.range(this.name, offsetOf(after), offsetOf(upTo), this.epoch);
  }

  /** Resolves once this channel is in `epoch` (or after the timeout). */
  private waitForEpoch(epoch: string, timeoutMs: number): Promise<void> {
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

  /**
   * Subscribes a client: listens first, then catches up, then sends what arrived meanwhile
   * (minus what the catch-up covered), then goes live — all in order, nothing twice. Returns
   * how the client was started.
   */
  async attach(cursor: string | null, target: AttachTarget): Promise<CatchUp["kind"] | "closed"> {
    const buffered: Logged[] = [];
    const unbuffer = this.addSink((m) => buffered.push(m));
    try {
      const c = await this.catchUp(cursor);
      if (target.isClosed?.()) return "closed";
      if (c.kind === "messages") c.messages.forEach((m) => target.send(m));
      else {
        if (c.reason !== "no_cursor") {
          const message =
            c.reason === "reset"
              ? "the message log was reset since your last message; here is a fresh snapshot"
              : "missed messages are no longer available; here is a fresh snapshot";
          target.send(this.resyncMessage({ reason: c.reason, message }));
        }
        target.send(c.snapshot);
      }
      for (const m of buffered) if (compareIds(m.envelope.id, c.covered) > 0) target.send(m);
      target.live();
      return c.kind;
    } finally {
      unbuffer();
    }
  }

  addSink(sink: Sink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  get sinkCount(): number {
    return this.sinks.size;
  }

  clientCount(): number {
    return this.clients();
  }

  stats(): ChannelStats {
    return {
      connected_clients: this.clientCount(),
      total_broadcasts: this.broadcasts,
      last_broadcast: this.lastBroadcast,
      avg_broadcast_time_ms: this.broadcasts ? Math.round((this.broadcastMs / this.broadcasts) * 1000) / 1000 : 0,
    };
  }
}

function sliceAfter(all: Logged[], after: Cursor, upTo: Cursor): Logged[] {
  let lo = 0,
    hi = all.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareIds(all[mid]!.envelope.id, after) <= 0) lo = mid + 1;
    else hi = mid;
  }
  const out: Logged[] = [];
  for (let i = lo; i < all.length && compareIds(all[i]!.envelope.id, upTo) <= 0; i++) out.push(all[i]!);
  return out;
}

/** Either channel, for code that only uses what both have. */
export type AnyChannel = Channel<"dashboard"> | Channel<"quotas">;
