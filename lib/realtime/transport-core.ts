// The one transport core. Every live transport (Socket.IO, plain WebSocket, SSE) goes through it
// for what they share: admission under the caps (the connection registry), subscription and
// resume (resume.ts), the live fan-out, client commands, the app-level `ping`, the heartbeat
// settings, and the eviction of slow clients — one mechanism with one code: a client whose
// queue stays above SLOW_CLIENT_MAX_QUEUE for two sweeps in a row (≥ 1 s: a burst fills healthy
// buffers for a moment too) is sent `slow_consumer` as its last message, with what it has not
// read dropped where the transport allows, and its socket is destroyed if it has not read that
// within EVICTION_GRACE_MS. It resumes from its cursor when it reconnects.
//
// A transport is a thin adapter (TransportAdapter): how to send a message, how full its buffer
// is, how to close with a last notice, how to cut the socket.
//
// A session may see the channel through a view (SessionView: the dashboard sections it
// subscribed to): every message to it — catch-up, live, replies — goes through the view, which
// is shared by every session with the same one (computed once per message, not per session).
// The live fan-out groups sessions by view: each message is filtered once per view and the same
// object handed to each of its sessions, so a transport can encode it once too (the plain
// WebSocket's shared frames, ws-frames.ts).
import "server-only";
import type { AuthResult, Principal } from "../auth/principal";
import { CODES, errorData, type Code } from "../contract/codes";
import { RISK_MESSAGE_TYPES, type ChannelName } from "../contract/protocol";
import type { Config } from "../config";
import type { Logger } from "../log";
import type { AnyChannel, Channel } from "./channel";
import type { Connection, ConnectionRegistry, Transport } from "./connections";
import type { Logged } from "./log/logged";

/**
 * How long an evicted slow client gets to read its `slow_consumer` notice (queued after what it
 * has not read yet, with nothing new added) before its socket is destroyed.
 */
export const EVICTION_GRACE_MS = 3000;

/** How often queues are looked at, and how many looks in a row above the bound evict. */
const SWEEP_MS = 1000;
const STRIKES = 2;

/** What a transport tells the core about one client's connection. */
export interface TransportAdapter {
  readonly transport: Transport;
  /** Writes one message to the client (the adapter drops it if the connection has ended). */
  send(message: Logged): void;
  /** Messages written to the client but not yet taken by it: its queue. */
  queued(): number;
  /**
   * Sends `notice` as the last message and closes with `code`; `drop`: first discard what the
   * client has not read yet, where the transport can (a client evicted for being slow).
   */
  close(notice: Logged, code: Code, drop: boolean): void;
  /** Cuts the socket outright (an evicted client that did not read its notice in time). */
  terminate(): void;
  /**
   * Joins the live fan-out itself (Socket.IO: a room per view, each message encoded once for all
   * of it; `view`: the session's view key, "" for none — a later call moves it to that room);
   * without it the core sends every live message through send().
   */
  joinLive?(view: string): void;
  /** Gets the channel's app-level `ping` every HEARTBEAT_INTERVAL_MS (quotas; not SSE, which has comment heartbeats). */
  readonly appPing?: boolean;
}

/**
 * What a session sees of its channel (the dashboard sections it subscribed to). One object per
 * distinct view, shared by its sessions; `key` names it (a Socket.IO room).
 */
export interface SessionView {
  readonly key: string;
  /** The message as this view has it, or null when there is nothing in it for this view. */
  apply(message: Logged): Logged | null;
}

const RISK_TYPES: ReadonlySet<string> = new Set(RISK_MESSAGE_TYPES);

/** Is this one of a risk's messages (only for that risk's subscribers: dashboard/risk-view.ts)? */
export const isRiskMessage = (m: Logged): boolean => RISK_TYPES.has(m.envelope.type);

/**
 * What a session sees of a message: through its view, or — with none (the whole channel) —
 * everything but the per-risk messages, which only a risk's subscribers get.
 */
export function seenBy(view: SessionView | null, m: Logged): Logged | null {
  if (view) return view.apply(m);
  return isRiskMessage(m) ? null : m;
}

/** One admitted client: its registry entry, its adapter, and the core's bookkeeping. */
export interface LiveSession {
  readonly channel: ChannelName;
  readonly connection: Connection;
  readonly adapter: TransportAdapter;
  /** What it sees of the channel (null: everything). */
  readonly view: SessionView | null;
}

interface SessionState extends LiveSession {
  view: SessionView | null;
  strikes: number;
  live: boolean;
  ended: boolean;
  /** Called once it is live (a view change waits for the catch-up to end). */
  onLive: (() => void)[];
}

/** The heartbeat settings every transport follows (README "Plain WebSocket", PING_* settings). */
export interface HeartbeatSettings {
  /** A transport ping every this often (Socket.IO: engine.io's; plain WebSocket: a ping frame). */
  pingIntervalMs: number;
  /** How long a pong may take; a client silent for interval + timeout is dropped. */
  pingTimeoutMs: number;
  /** The app-level `ping` on channels that have one. */
  appPingMs: number;
}

export type Admission = { ok: true; session: LiveSession } | { ok: false; code: Code; message: string };

/** A client command's answer: the message to send back. */
export type CommandRunner = (session: LiveSession, command: string) => Promise<Logged> | Logged;

/**
 * The rules every live transport shares (see the file comment): admit() under the caps,
 * subscribe() to resume and go live, release() when the client goes away; start() runs the
 * fan-out, the one slow-client sweep and the app-level ping, stop() ends them.
 *
 * @example
 * const admitted = core.admit("dashboard", { principal, recheck }, adapter);
 * if (!admitted.ok) return refuse(admitted.code, admitted.message);
 * await core.subscribe(admitted.session, cursor, () => closed);
 */
export class TransportCore {
  private sessions = new Set<SessionState>();
  /** The sessions the core writes live messages to, by channel and then by view (null: everything). */
  private liveByChannel = new Map<ChannelName, Map<SessionView | null, Set<SessionState>>>();
  private timers: NodeJS.Timeout[] = [];
  private removers: (() => void)[] = [];
  readonly heartbeat: HeartbeatSettings;

  constructor(
    private deps: {
      channels: { [C in ChannelName]: Channel<C> };
      connections: ConnectionRegistry;
      counters: { slowClientEvictions: number };
      config: Pick<Config, "SLOW_CLIENT_MAX_QUEUE" | "PING_INTERVAL_MS" | "PING_TIMEOUT_MS" | "HEARTBEAT_INTERVAL_MS">;
      log: Logger;
    },
  ) {
    const { config } = deps;
    this.heartbeat = {
      pingIntervalMs: config.PING_INTERVAL_MS,
      pingTimeoutMs: config.PING_TIMEOUT_MS,
      appPingMs: config.HEARTBEAT_INTERVAL_MS,
    };
  }

  /** Starts the fan-out into admitted sessions, the slow-client sweep and the app-level ping. */
  start(): void {
    for (const name of Object.keys(this.deps.channels) as ChannelName[]) {
      const groups = new Map<SessionView | null, Set<SessionState>>();
      this.liveByChannel.set(name, groups);
      this.removers.push(this.deps.channels[name].addSink((m) => this.fanOut(groups, m)));
    }
    const sweep = setInterval(() => this.sweep(), SWEEP_MS);
    const ping = setInterval(() => this.appPing(), this.heartbeat.appPingMs);
    sweep.unref();
    ping.unref();
    this.timers.push(sweep, ping);
  }

  /** Sessions the core writes each live message of `channel` to, one by one (the rest join the fan-out themselves). */
  fanOutCount(channel: ChannelName): number {
    let n = 0;
    for (const set of this.liveByChannel.get(channel)?.values() ?? []) n += set.size;
    return n;
  }

  /** One live message to every session the core writes to: filtered once per view, the same object to each of its sessions. */
  private fanOut(groups: Map<SessionView | null, Set<SessionState>>, m: Logged) {
    for (const [view, set] of groups) {
      const v = seenBy(view, m);
      if (v) for (const s of set) s.adapter.send(v);
    }
  }

  private joinGroup(s: SessionState) {
    const groups = this.liveByChannel.get(s.channel);
    if (!groups) return;
    let set = groups.get(s.view);
    if (!set) groups.set(s.view, (set = new Set()));
    set.add(s);
  }

  private leaveGroup(s: SessionState) {
    const groups = this.liveByChannel.get(s.channel);
    const set = groups?.get(s.view);
    if (!set?.delete(s)) return;
    if (set.size === 0) groups!.delete(s.view);
  }

  /** Stops the timers and the fan-out (sessions are closed by the registry or their transport). */
  stop(): void {
    this.timers.forEach(clearInterval);
    this.timers = [];
    this.removers.forEach((r) => r());
    this.removers = [];
  }

  /**
   * Admits a client under the caps, or says why not (a code and its words). Synchronous, so
   * concurrent handshakes cannot both slip past a cap. An admitted session counts until release().
   */
  admit(channel: ChannelName, auth: { principal: Principal; recheck: () => Promise<AuthResult> }, adapter: TransportAdapter): Admission {
    const { connections } = this.deps;
    let state: SessionState | null = null;
    const connection: Connection = {
      channel,
      transport: adapter.transport,
      principal: auth.principal,
      recheck: auth.recheck,
      close: (code, message) => state && this.end(state, code, message, false),
    };
    const refused = connections.admit(connection);
    if (refused) return { ok: false, code: refused, message: connections.refusalMessage(refused, channel) };
    state = { channel, connection, adapter, view: null, strikes: 0, live: false, ended: false, onLive: [] };
    this.sessions.add(state);
    return { ok: true, session: state };
  }

  /**
   * Resumes the client after `cursor` (the logged messages after it, or a resync and a snapshot),
   * then makes it live. `isClosed`: the client went away meanwhile. A failure is logged and the
   * client is told `unavailable` and closed.
   */
  async subscribe(session: LiveSession, cursor: string | null, isClosed: () => boolean): Promise<void> {
    const s = session as SessionState;
    const channel: AnyChannel = this.deps.channels[s.channel];
    try {
      await channel.attach(cursor, {
        send: (m) => this.sendTo(s, m),
        live: () => {
          if (s.ended) return;
          s.live = true;
          if (s.adapter.joinLive) s.adapter.joinLive(s.view?.key ?? "");
          else this.joinGroup(s);
          s.onLive.splice(0).forEach((f) => f());
        },
        isClosed: () => s.ended || isClosed(),
      });
    } catch (err) {
      this.deps.log.error({ err, channel: s.channel, transport: s.adapter.transport }, "could not start a live stream");
      this.end(s, "unavailable", CODES.unavailable.message, false);
    }
  }

  /** Sets what a session sees, before subscribe() (the handshake's sections). */
  setView(session: LiveSession, view: SessionView | null): void {
    (session as SessionState).view = view;
  }

  /**
   * Changes what a live session sees (the `subscribe` command) and returns the snapshot it starts
   * from, as the new view has it: messages after that snapshot come through the new view. Waits
   * for the session's catch-up to end first, so nothing older follows the snapshot. Null when the
   * session ended meanwhile.
   */
  async changeView(session: LiveSession, view: SessionView | null): Promise<Logged | null> {
    const s = session as SessionState;
    if (!s.live && !s.ended) await new Promise<void>((resolve) => s.onLive.push(resolve));
    const channel: AnyChannel = this.deps.channels[s.channel];
    await channel.projection.ready();
    if (s.ended) return null;
    // From here on synchronous: the snapshot is "as of" the position the new view starts after.
    if (s.adapter.joinLive) {
      s.view = view;
      s.adapter.joinLive(view?.key ?? "");
    } else {
      this.leaveGroup(s);
      s.view = view;
      this.joinGroup(s);
    }
    const snapshot = channel.snapshot();
    return snapshot && this.present(s, snapshot);
  }

  /** A message as the session's view has it (null: nothing for it). Replies go through this too. */
  present(session: LiveSession, m: Logged): Logged | null {
    return seenBy(session.view, m);
  }

  private sendTo(s: SessionState, m: Logged) {
    const v = seenBy(s.view, m);
    if (v) s.adapter.send(v);
  }

  /** The client went away (or its transport ended the connection): it no longer counts. */
  release(session: LiveSession): void {
    const s = session as SessionState;
    s.ended = true;
    this.forget(s);
  }

  /** An error for one client on its channel (bad input, a failed command). */
  errorFor(session: LiveSession, code: Code, message: string = CODES[code].message): Logged {
    return this.deps.channels[session.channel].error(errorData(code, message));
  }

  private forget(s: SessionState) {
    s.onLive.splice(0).forEach((f) => f());
    this.sessions.delete(s);
    this.leaveGroup(s);
    this.deps.connections.remove(s.connection);
  }

  /** Tells the client why and closes it (credential ended, shutdown, attach failure, eviction). */
  private end(s: SessionState, code: Code, message: string = CODES[code].message, drop: boolean) {
    if (s.ended) return;
    s.ended = true;
    this.forget(s);
    s.adapter.close(this.errorFor(s, code, message), code, drop);
  }

  /** The one slow-client check, for every transport (see the file comment). */
  private sweep() {
    const max = this.deps.config.SLOW_CLIENT_MAX_QUEUE;
    for (const s of [...this.sessions]) {
      const queued = s.adapter.queued();
      s.strikes = queued > max ? s.strikes + 1 : 0;
      if (s.strikes < STRIKES) continue;
      this.deps.counters.slowClientEvictions++;
      this.deps.log.warn(
        { channel: s.channel, transport: s.adapter.transport, user: s.connection.principal.userId, queued },
        "slow client disconnected",
      );
      this.end(s, "slow_consumer", CODES.slow_consumer.message, true);
      const timer = setTimeout(() => s.adapter.terminate(), EVICTION_GRACE_MS);
      timer.unref();
    }
  }

  /** The quota console's app-level `ping` (the one channel that has it) to every live session that wants it, one message for all. */
  private appPing() {
    const live = [...this.sessions].filter((s) => s.channel === "quotas" && s.live && s.adapter.appPing);
    if (live.length === 0) return;
    const ping = this.deps.channels.quotas.direct("ping", {});
    live.forEach((s) => s.adapter.send(ping));
  }
}
