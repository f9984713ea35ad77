// A channel's delivery figures for GET /api/v1/ws/stats: how many messages it delivered, when the
// last one was, and the mean time spent writing one to every local client.

/** What /api/v1/ws/stats shows per channel. */
export interface ChannelStats {
  connected_clients: number;
  total_broadcasts: number;
  last_broadcast: string | null;
  avg_broadcast_time_ms: number;
}

/** Counts deliveries and their fan-out time. */
export class BroadcastStats {
  private count = 0;
  private totalMs = 0;
  private last: string | null = null;

  /** One message delivered at `timestamp`, written to every sink in `ms`. */
  record(ms: number, timestamp: string): void {
    this.totalMs += ms;
    this.count++;
    this.last = timestamp;
  }

  /** The figures, with the channel's client count (kept by the connection registry). */
  view(connectedClients: number): ChannelStats {
    return {
      connected_clients: connectedClients,
      total_broadcasts: this.count,
      last_broadcast: this.last,
      avg_broadcast_time_ms: this.count ? Math.round((this.totalMs / this.count) * 1000) / 1000 : 0,
    };
  }
}
