// Client connection settings (the original dashboard client's option names). Defaults: retry
// after 1, 2, 4, 8, 16 s.
export interface LiveOptions {
  /** First retry delay; doubles each attempt. */
  reconnectInterval: number;
  /** Cap on the retry delay. */
  maxReconnectDelay: number;
  /** Failed WebSocket attempts before falling back (or going offline). */
  maxReconnectAttempts: number;
  /** How often the client pings to detect a dead connection the OS has not noticed. */
  heartbeatInterval: number;
  /** Fall back to SSE, then polling, when WebSocket keeps failing. */
  fallbackToPoll: boolean;
  /** Polling period when polling is the last resort. */
  pollInterval: number;
  /** How often a fallback channel tries WebSocket again. */
  upgradeInterval: number;
  /** A WebSocket handshake that has not completed by then counts as failed (a proxy may hang it). */
  connectTimeout: number;
}

export const DEFAULT_LIVE_OPTIONS: LiveOptions = {
  reconnectInterval: 1000,
  maxReconnectDelay: 16_000,
  maxReconnectAttempts: 5,
  heartbeatInterval: 25_000,
  fallbackToPoll: true,
  pollInterval: 30_000,
  upgradeInterval: 60_000,
  connectTimeout: 5_000,
};
