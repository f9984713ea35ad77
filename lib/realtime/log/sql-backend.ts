// The embedded log: each channel's newest messages in the RealtimeMessage table, its position and
// projection state in RealtimeChannel. Appends are grouped: whatever arrives while one write is
// in flight goes into the next transaction together (one commit for a burst), and is delivered
// right after its commit, in order. Older rows are pruned past MESSAGE_LOG_SIZE, moving the floor.
// Each channel's log has an epoch (RealtimeChannel.epoch), made with its row: ids carry it, so a
// log that was reset (the rows deleted, a database restored without them) starts a new epoch and
// old cursors get a resync rather than a replay against a different log.
import "server-only";
import type { Db } from "../../db/client";
import type { Logger } from "../../log";
import { logged, type Logged } from "./logged";
import { compareIds, cursorOf, epochOf, inEpoch, OffsetGenerator, parseId, type Cursor, ZERO_ID } from "../../contract/ids";
import { envelope } from "../../contract/frames";
import type { ChannelName, Envelope } from "../../contract/protocol";
import { newEpoch, type AppendEntry, type ChannelLog, type LogBackend, type Restored } from "./backend";

interface Pending {
  message: Logged;
  state: unknown;
  resolve: (m: Logged) => void;
  reject: (e: unknown) => void;
}

const split = (id: string) => {
  const p = parseId(id)!;
  return { ms: BigInt(p[0]), seq: p[1] };
};

/**
 * The message log in the database (embedded mode): appends are batched per channel and written
 * in order, each message gets the next offset of its channel's epoch, and the rows are the
 * resume log (not shared with other instances: `shared = false`).
 */
export class SqlLogBackend implements LogBackend {
  readonly shared = false;
  private channels!: Record<ChannelName, ChannelLog>;
  private ids = new Map<ChannelName, OffsetGenerator>();
  private epochs = new Map<ChannelName, string>();
  private pending = new Map<ChannelName, Pending[]>();
  private writing = new Map<ChannelName, Promise<void>>();
  private sincePrune = new Map<ChannelName, number>();
  private lastError: string | null = null;

  constructor(
    private db: Db,
    private capacity: number,
    private log: Logger,
    private now: () => number = Date.now,
  ) {}

  async start(channels: Record<ChannelName, ChannelLog>): Promise<Record<ChannelName, Restored>> {
    this.channels = channels;
    const out = {} as Record<ChannelName, Restored>;
    for (const name of Object.keys(channels) as ChannelName[]) {
      let row = await this.db.realtimeChannel.upsert({ where: { name }, create: { name, epoch: newEpoch() }, update: {} });
      const rows = await this.db.realtimeMessage.findMany({
        where: { channel: name },
        orderBy: [{ ms: "desc" }, { seq: "desc" }],
        take: this.capacity,
      });
      const recent = rows.reverse().map((r) => ({ envelope: JSON.parse(r.json) as Envelope, json: r.json }));
      const newest = recent.at(-1)?.envelope.id;
      // The log was lost under its row (messages deleted, though the row says some were written),
      // the rows come from another log, or the row predates epochs: a new epoch.
      const lost = newest ? epochOf(newest) !== row.epoch : row.floor !== ZERO_ID || row.cursor !== ZERO_ID;
      if (!row.epoch || lost) {
        row = await this.db.realtimeChannel.update({ where: { name }, data: { epoch: newEpoch() } });
        if (lost) this.log.warn({ channel: name }, "the real-time log was reset: clients resuming from before get a resync");
      }
      const position = [row.cursor as Cursor, newest ? cursorOf(newest) : ZERO_ID].sort(compareIds).at(-1)!;
      const total = await this.db.realtimeMessage.count({ where: { channel: name } });
      channels[name].restore(
        recent,
        position,
        total <= this.capacity ? (row.floor as Cursor) : cursorOf(recent[0]!.envelope.id),
        row.epoch,
      );
      this.ids.set(name, new OffsetGenerator(position));
      this.epochs.set(name, row.epoch);
      out[name] = { state: JSON.parse(row.state) as unknown, stateCursor: row.cursor as Cursor };
    }
    return out;
  }

  append(channel: ChannelName, entry: AppendEntry): Promise<Logged> {
    const at = this.now();
    const id = inEpoch(this.ids.get(channel)!.next(at), this.epochs.get(channel)!);
    const message = logged(envelope(entry.type, id, entry.data, new Date(at).toISOString()));
    return new Promise((resolve, reject) => {
      const queue = this.pending.get(channel) ?? [];
      queue.push({ message, state: entry.state, resolve, reject });
      this.pending.set(channel, queue);
      if (!this.writing.has(channel)) this.writing.set(channel, this.flush(channel));
    });
  }

  private async flush(channel: ChannelName): Promise<void> {
    // Let the rest of this tick's appends join the batch.
    await new Promise<void>((r) => setImmediate(r));
    for (;;) {
      const batch = this.pending.get(channel) ?? [];
      this.pending.set(channel, []);
      if (batch.length === 0) break;
      const last = batch.at(-1)!;
      const withState = batch.filter((p) => p.state !== undefined).at(-1);
      try {
        const insert = this.db.realtimeMessage.createMany({
          data: batch.map((p) => ({ channel, ...split(p.message.envelope.id), json: p.message.json })),
        });
        if (withState) {
          const save = this.db.realtimeChannel.update({
            where: { name: channel },
            data: { cursor: withState.message.envelope.id, state: JSON.stringify(withState.state) },
          });
          await this.db.$transaction([insert, save]);
        } else await insert;
        this.lastError = null;
      } catch (err) {
        this.lastError = (err as Error).message;
        this.log.error({ err, channel, messages: batch.length }, "could not store real-time messages; they were not sent");
        batch.forEach((p) => p.reject(err));
        continue;
      }
      this.channels[channel].deliver(
        batch.map((p) => p.message),
        withState === last ? last.state : undefined,
      );
      batch.forEach((p) => p.resolve(p.message));
      const n = (this.sincePrune.get(channel) ?? 0) + batch.length;
      this.sincePrune.set(channel, n);
      // Prune in steps of a tenth of the log: it holds between MESSAGE_LOG_SIZE and 110 % of it.
      if (n >= Math.max(10, Math.ceil(this.capacity / 10))) {
        this.sincePrune.set(channel, 0);
        await this.prune(channel).catch((err: unknown) => this.log.warn({ err, channel }, "pruning the real-time log failed"));
      }
    }
    this.writing.delete(channel);
  }

  private async prune(channel: ChannelName) {
    const edge = await this.db.realtimeMessage.findFirst({
      where: { channel },
      orderBy: [{ ms: "desc" }, { seq: "desc" }],
      skip: this.capacity,
      select: { ms: true, seq: true },
    });
    if (!edge) return;
    const floor = `${edge.ms}-${edge.seq}`;
    await this.db.$transaction([
      this.db.realtimeMessage.deleteMany({ where: { channel, OR: [{ ms: { lt: edge.ms } }, { ms: edge.ms, seq: { lte: edge.seq } }] } }),
      this.db.realtimeChannel.update({ where: { name: channel }, data: { floor } }),
    ]);
  }

  /**
   * Memory holds the same newest MESSAGE_LOG_SIZE messages as the table (restored from it at
   * start), so a cursor older than memory is older than the log: gone.
   */
  async range(): Promise<Logged[] | null> {
    return null;
  }

  async state(channel: ChannelName): Promise<Restored> {
    const row = await this.db.realtimeChannel.findUnique({ where: { name: channel } });
    return { state: JSON.parse(row?.state ?? "null") as unknown, stateCursor: (row?.cursor ?? ZERO_ID) as Cursor };
  }

  async stop(): Promise<void> {
    await Promise.all([...this.writing.values()]);
  }

  status() {
    return { ok: this.lastError === null, error: this.lastError };
  }
}
