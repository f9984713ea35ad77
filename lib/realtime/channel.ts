// A channel ("dashboard", "quotas") is one message log plus everything that delivers it:
// publish() appends once, serialises once and fans out once to every sink (the Socket.IO
// namespace, SSE streams, waiting pollers). Transports register as sinks; none is special.
import { performance } from "node:perf_hooks";
import type { Envelope, Logged } from "./envelope";
import { MessageLog } from "./message-log";

export type ChannelName = "dashboard" | "quotas";
export type Sink = (message: Logged) => void;

export interface ChannelStats {
  connected_clients: number;
  total_broadcasts: number;
  last_broadcast: string | null;
  avg_broadcast_time_ms: number;
}

export class Channel {
  readonly log: MessageLog;
  private sinks = new Set<Sink>();
  private clientCounters = new Set<() => number>();
  /** Open SSE streams (one sink each). */
  streams = 0;
  private broadcasts = 0;
  private broadcastMs = 0;
  private lastBroadcast: string | null = null;

  constructor(
    readonly name: ChannelName,
    logSize: number,
    private onError: (err: unknown) => void = () => {},
  ) {
    this.log = new MessageLog(logSize);
  }

  publish(type: string, data: unknown): Logged {
    const message = this.log.append(type, data);
    const t0 = performance.now();
    for (const sink of this.sinks) {
      try {
        sink(message);
      } catch (err) {
        this.onError(err); // one broken transport must not starve the others
      }
    }
    this.broadcastMs += performance.now() - t0;
    this.broadcasts++;
    this.lastBroadcast = message.envelope.timestamp;
    return message;
  }

  /** A message for one client (a reply, an error, the first snapshot), stamped with the log's current offset. */
  direct<T>(type: string, data: T): Envelope<T> {
    return { type, id: this.log.lastId, timestamp: new Date().toISOString(), data };
  }

  addSink(sink: Sink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  /** Transports report how many clients they hold, for the stats. */
  countClients(counter: () => number): () => void {
    this.clientCounters.add(counter);
    return () => this.clientCounters.delete(counter);
  }

  get sinkCount(): number {
    return this.sinks.size;
  }

  /** An SSE stream: its own sink, counted as a client until released (call release once). */
  attachStream(sink: Sink): () => void {
    this.streams++;
    const remove = this.addSink(sink);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.streams--;
      remove();
    };
  }

  /** Clients connected through every transport. */
  clientCount(): number {
    let clients = this.streams;
    for (const c of this.clientCounters) clients += c();
    return clients;
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
