// The cluster's message log: one Redis stream per channel, shared by every instance. publish =
// XADD (MAXLEN ~ MESSAGE_LOG_SIZE) in a Lua script that, for the leader's messages, first checks
// the lease is still ours (fencing: a leader that lost its lease cannot publish a stale patch)
// and stores the channel's projection state with the message. The envelope id IS the stream id.
// Every instance reads all streams (and the domain-event stream) with one blocking XREAD loop
// and delivers to its own clients; after an outage it resumes from the last id it read.
// Each stream has an epoch (a key beside it, set by the same script that creates the stream, and
// stamped on every entry): a stream that vanished (flushed, failed over to an empty replica) is
// created again under a new epoch, and cursors into the old one get a resync.
import "server-only";
import crypto from "node:crypto";
import { ErrorReply } from "redis";
import type { DomainEvent } from "../domain/events";
import type { Logger } from "../log";
import { logged, type Logged } from "../realtime/log/logged";
import { compareIds, inEpoch, type Cursor, type Offset, ZERO_ID } from "../contract/ids";
import { FencedError, newEpoch, type AppendEntry, type ChannelLog, type LogBackend, type Restored } from "../realtime/log/backend";
import { backoffDelay } from "../contract/backoff";
import { CHANNEL_NAMES } from "../contract/channels";
import { envelope, envelopeJson } from "../contract/frames";
import type { ChannelName } from "../contract/protocol";
import { pairs, type Keys, type RedisHandle } from "./redis";

// KEYS: stream, state, leader, nonce, epoch. ARGV: maxlen, type, timestamp, data, state ('' =
// none), fence owner ('' = none), a fresh epoch (used if the stream is new or lost its epoch).
// Returns "<id> <epoch>". The nonce makes a retried append (its first attempt's answer lost in a
// dropped connection) return the first attempt's answer instead of adding the message twice.
const APPEND = `
local done = redis.call('GET', KEYS[4])
if done then return done end
if ARGV[6] ~= '' and redis.call('GET', KEYS[3]) ~= ARGV[6] then return redis.error_reply('FENCED') end
local epoch = redis.call('GET', KEYS[5])
if not epoch or redis.call('EXISTS', KEYS[1]) == 0 then
  epoch = ARGV[7]
  redis.call('SET', KEYS[5], epoch)
end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 't', ARGV[2], 'ts', ARGV[3], 'd', ARGV[4], 'e', epoch)
if ARGV[5] ~= '' then redis.call('SET', KEYS[2], id .. '\\n' .. ARGV[5]) end
redis.call('SET', KEYS[4], id .. ' ' .. epoch, 'PX', 600000)
return id .. ' ' .. epoch`;

const pause = (attempt: number) => new Promise((r) => setTimeout(r, backoffDelay(attempt, 100, 2000)));

type StreamEntry = [id: string, fields: string[]];
type XReadReply = [key: string, entries: StreamEntry[]][] | null;

/**
 * A stream entry as the envelope every transport sends (the data's JSON is used as stored); the
 * id is the stream id in the entry's epoch (`fallback` for an entry written before epochs).
 */
function toLogged(streamId: string, fields: string[], fallback: string): Logged & { epoch: string } {
  const f = pairs(fields) as { t: string; ts: string; d: string; e?: string };
  const epoch = f.e ?? fallback;
  const id = inEpoch(streamId, epoch);
  return { envelope: envelope(f.t, id, JSON.parse(f.d) as unknown, f.ts), json: envelopeJson(f.t, id, f.ts, f.d), epoch };
}

/**
 * The shared log (cluster mode): append() adds to the channel's stream through the fenced,
 * idempotent script; one XREAD loop delivers every channel's new entries (and other instances'
 * domain events) to this instance, resuming after the last id read once Redis is back.
 */
export class RedisLogBackend implements LogBackend {
  readonly shared = true;
  private channels!: Record<ChannelName, ChannelLog>;
  private lastRead = new Map<string, string>();
  private localStates = new Map<string, unknown>();
  private running = false;
  private stopped = false;
  private loop: Promise<void> | null = null;
  private readError: string | null = null;

  constructor(
    private deps: {
      cmd: RedisHandle;
      reader: RedisHandle;
      keys: Keys;
      capacity: number;
      instanceId: string;
      log: Logger;
      /** Fence owner for the leader's messages: this instance's id while it holds the lease. */
      isLeader: () => boolean;
      onRemoteEvent: (event: DomainEvent) => void;
    },
  ) {}

  private get redis() {
    return this.deps.cmd.client;
  }

  async start(channels: Record<ChannelName, ChannelLog>): Promise<Record<ChannelName, Restored>> {
    this.channels = channels;
    const out = {} as Record<ChannelName, Restored>;
    for (const name of CHANNEL_NAMES) {
      const key = this.deps.keys.stream(name);
      const epoch = ((await this.redis.get(this.deps.keys.epoch(name))) as string | null) ?? "";
      const newest = (await this.redis.sendCommand(["XREVRANGE", key, "+", "-", "COUNT", String(this.deps.capacity)])) as StreamEntry[];
      const recent = newest.reverse().map(([id, f]) => toLogged(id, f, epoch));
      const info = await this.streamInfo(key);
      const streamPosition = newest.at(-1)?.[0] ?? ZERO_ID;
      // The ring is complete back to the stream's floor when nothing older than it remains.
      const complete = info.length <= recent.length;
      channels[name].restore(
        recent,
        streamPosition as Cursor,
        complete ? info.maxDeleted : ((newest[0]?.[0] as Cursor | undefined) ?? ZERO_ID),
        epoch,
      );
      this.lastRead.set(key, streamPosition);
      out[name] = await this.state(name);
    }
    const lastEvent = (await this.redis.sendCommand(["XREVRANGE", this.deps.keys.events, "+", "-", "COUNT", "1"])) as StreamEntry[];
    this.lastRead.set(this.deps.keys.events, lastEvent[0]?.[0] ?? ZERO_ID);
    this.running = true;
    this.loop = this.readLoop();
    return out;
  }

  private async streamInfo(key: string): Promise<{ length: number; maxDeleted: Cursor }> {
    try {
      const info = pairs((await this.redis.sendCommand(["XINFO", "STREAM", key])) as unknown[]);
      return { length: Number(info.length ?? 0), maxDeleted: (String(info["max-deleted-entry-id"] ?? ZERO_ID) as Cursor) || ZERO_ID };
    } catch {
      return { length: 0, maxDeleted: ZERO_ID }; // no stream yet
    }
  }

  /** Each channel's last append: the next one starts after it, so retries keep their order. */
  private appending = new Map<ChannelName, Promise<unknown>>();

  /**
   * Appends to a channel's stream, in call order: through an outage every append waits behind
   * the earlier ones (each retrying on its own would let a later one, with a shorter back-off,
   * overtake an earlier one and reach the stream first).
   */
  append(channel: ChannelName, entry: AppendEntry): Promise<Logged> {
    const run = (this.appending.get(channel) ?? Promise.resolve()).catch(() => undefined).then(() => this.appendNow(channel, entry));
    this.appending.set(channel, run);
    return run;
  }

  private async appendNow(channel: ChannelName, entry: AppendEntry): Promise<Logged> {
    const k = this.deps.keys;
    const timestamp = new Date().toISOString();
    const data = JSON.stringify(entry.data);
    const fence = entry.fence ? this.deps.instanceId : "";
    if (entry.fence && !this.deps.isLeader()) throw new FencedError();
    const state = entry.state === undefined ? "" : JSON.stringify(entry.state);
    const nonce = `${k.nonce}:${crypto.randomUUID()}`;
    const candidate = newEpoch();
    let answer: string;
    // Redis unreachable: keep trying (append() keeps later appends behind this one), so what
    // was published during an outage is delivered after it, in order. A leader's messages stop
    // once its lease is gone.
    for (let attempt = 0; ; attempt++) {
      try {
        answer = (await this.redis.sendCommand([
          "EVAL",
          APPEND,
          "5",
          k.stream(channel),
          k.state(channel),
          k.leader,
          nonce,
          k.epoch(channel),
          String(this.deps.capacity),
          entry.type,
          timestamp,
          data,
          state,
          fence,
          candidate,
        ])) as string;
        break;
      } catch (e) {
        if (/FENCED/.test((e as Error).message)) throw new FencedError();
        if (e instanceof ErrorReply || this.stopped) throw e;
        if (entry.fence && !this.deps.isLeader()) throw new FencedError();
        await pause(attempt);
      }
    }
    const [streamId, epoch] = answer.split(" ") as [string, string];
    if (entry.state !== undefined) this.localStates.set(streamId, entry.state);
    return logged(envelope(entry.type, inEpoch(streamId, epoch), entry.data, timestamp));
  }

  /**
   * Publishes a domain event for the other instances, retrying through an outage. Events are
   * invalidations and dirty marks: one delivered twice does no harm, one lost could.
   */
  async publishEvent(event: DomainEvent): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.redis.sendCommand([
          "XADD",
          this.deps.keys.events,
          "MAXLEN",
          "~",
          "10000",
          "*",
          "o",
          this.deps.instanceId,
          "e",
          JSON.stringify(event),
        ]);
        return;
      } catch (e) {
        if (e instanceof ErrorReply || this.stopped) throw e;
        await pause(attempt);
      }
    }
  }

  private async readLoop(): Promise<void> {
    const k = this.deps.keys;
    const streams = [...CHANNEL_NAMES.map((c) => k.stream(c)), k.events];
    let failures = 0;
    while (this.running) {
      let reply: XReadReply;
      try {
        reply = (await this.deps.reader.client.sendCommand([
          "XREAD",
          "COUNT",
          "1000",
          "BLOCK",
          "2000",
          "STREAMS",
          ...streams,
          ...streams.map((s) => this.lastRead.get(s) ?? ZERO_ID),
        ])) as XReadReply;
        failures = 0;
        this.readError = null;
      } catch (err) {
        if (!this.running) break;
        this.readError = (err as Error).message;
        await pause(failures++);
        continue;
      }
      for (const [key, entries] of reply ?? []) {
        if (entries.length === 0) continue;
        const from = this.lastRead.get(key) ?? ZERO_ID;
        this.lastRead.set(key, entries.at(-1)![0]);
        if (key === k.events) {
          for (const [, f] of entries) {
            const { o, e } = pairs(f) as { o: string; e: string };
            if (o !== this.deps.instanceId) this.deps.onRemoteEvent(JSON.parse(e) as DomainEvent);
          }
          continue;
        }
        const name = CHANNEL_NAMES.find((c) => k.stream(c) === key)!;
        // Entries trimmed before we read them (a long outage): the projection heals from the stored state.
        const info = await this.streamInfo(key).catch(() => null);
        if (info && compareIds(info.maxDeleted, from) > 0 && from !== ZERO_ID)
          this.deps.log.warn({ channel: name, from }, "messages were trimmed before this instance read them");
        const channel = this.channels[name];
        const batch = entries.map(([id, f]) => toLogged(id, f, channel.epoch));
        // The stream was created again (a new epoch): read it from its start, whatever ids the
        // new stream got (a replica's clock may be behind the ids this instance already read).
        if (batch[0]!.epoch !== channel.epoch && from !== ZERO_ID) {
          this.deps.log.warn({ channel: name }, "the real-time stream was lost and created again: reading the new one from its start");
          this.lastRead.set(key, ZERO_ID);
          continue;
        }
        for (const [i, m] of batch.entries()) {
          const streamId = entries[i]![0];
          const state = this.localStates.get(streamId);
          this.localStates.delete(streamId);
          channel.deliver([m], state);
        }
      }
    }
  }

  async range(channel: ChannelName, after: Offset, upTo: Offset, epoch: string): Promise<Logged[] | null> {
    const key = this.deps.keys.stream(channel);
    const [entries, current, exists] = (await this.redis
      .multi()
      .addCommand(["XRANGE", key, `(${after}`, upTo])
      .addCommand(["GET", this.deps.keys.epoch(channel)])
      .addCommand(["EXISTS", key])
      .exec()) as unknown as [StreamEntry[], string | null, number];
    if ((current ?? "") !== epoch || !exists) return null; // not the stream the cursor is in
    const info = await this.streamInfo(key);
    if (compareIds(info.maxDeleted, after) > 0) return null; // something after the cursor is gone
    return entries.map(([id, f]) => toLogged(id, f, epoch));
  }

  async state(channel: ChannelName): Promise<Restored> {
    const raw = (await this.redis.get(this.deps.keys.state(channel))) as string | null;
    if (!raw) return { state: null, stateCursor: ZERO_ID };
    const i = raw.indexOf("\n");
    return { state: JSON.parse(raw.slice(i + 1)) as unknown, stateCursor: raw.slice(0, i) as Cursor };
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopped = true;
    await Promise.race([this.loop, new Promise((r) => setTimeout(r, 2500))]);
  }

  status() {
    const down = this.deps.cmd.downSince ?? this.deps.reader.downSince;
    const error = down ? (this.deps.cmd.lastError ?? this.deps.reader.lastError ?? "Redis unreachable") : this.readError;
    return { ok: down === null && this.readError === null, error: error ? "Redis unreachable" : null };
  }
}
