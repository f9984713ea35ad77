// The browser's live connection to one channel: Socket.IO over WebSocket with exponential
// backoff (own timers rather than the Manager's, so every source shares one retry policy), a
// heartbeat, a manual reconnect, and a status for the header light. Messages arrive as the same
// envelopes whatever the source.
import { io, type Socket } from "socket.io-client";
import type { Envelope } from "../envelope";
import { backoffDelay } from "./backoff";
import type { LiveOptions } from "./options";
import type { LiveStatus } from "./status-store";

export type LiveChannel = "dashboard" | "quotas";
export const NAMESPACE: Record<LiveChannel, string> = { dashboard: "/dashboard", quotas: "/admin/quotas" };

type RefusalData = { code?: number; error?: string };

export class LiveConnection {
  private socket: Socket | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private closed = false;
  private status: LiveStatus = { state: "connecting", source: null, error: null, attempt: 0, nextRetryAt: null };

  constructor(
    private channel: LiveChannel,
    private opts: LiveOptions,
    private onMessage: (env: Envelope) => void,
    private onStatus: (s: LiveStatus) => void,
    /** Called on every connect that could not replay what was missed (fetch it another way). */
    private onResync: () => void = () => {},
  ) {}

  start(): void {
    this.closed = false;
    const s = io(NAMESPACE[this.channel], {
      autoConnect: false,
      reconnection: false, // our own backoff below
      transports: ["websocket"], // fail fast where WebSocket is blocked, instead of silently long-polling
    });
    let connectedBefore = false;
    s.on("connect", () => {
      this.set({ state: "live", source: "websocket", error: null, attempt: 0, nextRetryAt: null });
      this.startHeartbeat();
      if (connectedBefore && !s.recovered) this.onResync();
      connectedBefore = true;
    });
    s.on("disconnect", (reason) => {
      this.stopHeartbeat();
      if (!this.closed) this.retry(`connection lost (${reason})`);
    });
    s.on("connect_error", (err: Error & { data?: RefusalData }) => {
      const code = err.data?.code;
      if (code === 401 || code === 403) {
        // Retrying cannot fix a refusal: say why and stop.
        this.set({ state: "offline", source: null, error: code === 401 ? "Your session has ended: sign in again." : err.message, attempt: 0, nextRetryAt: null });
        return;
      }
      this.retry(err.message);
    });
    s.onAny((_event: string, env: Envelope) => this.onMessage(env));
    this.socket = s;
    this.set({ ...this.status, state: "connecting" });
    s.connect();
  }

  /** Drop everything and connect again now (the Reconnect button). */
  reconnect(): void {
    this.clearRetry();
    this.status = { ...this.status, attempt: 0 };
    if (this.socket?.connected) this.socket.disconnect();
    this.set({ ...this.status, state: "connecting", error: null, nextRetryAt: null });
    this.socket?.connect();
  }

  /** Sends a command; resolves with the server's acknowledgement. */
  async command(name: "refresh" | "ping", timeoutMs = 5000): Promise<Envelope> {
    if (!this.socket?.connected) throw new Error("not connected");
    return this.socket.timeout(timeoutMs).emitWithAck(name);
  }

  close(): void {
    this.closed = true;
    this.clearRetry();
    this.stopHeartbeat();
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
  }

  get current(): LiveStatus {
    return this.status;
  }

  private retry(error: string): void {
    if (this.closed || this.retryTimer) return;
    const attempt = this.status.attempt + 1;
    if (attempt > this.opts.maxReconnectAttempts) {
      this.set({ state: "offline", source: null, error: `${error}; gave up after ${this.opts.maxReconnectAttempts} attempts`, attempt, nextRetryAt: null });
      return;
    }
    const delay = backoffDelay(attempt, this.opts.reconnectInterval, this.opts.maxReconnectDelay);
    this.set({ state: "reconnecting", source: null, error, attempt, nextRetryAt: Date.now() + delay });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.socket?.connect(); // same Socket object: Socket.IO can recover the session
    }, delay);
  }

  private startHeartbeat(): void {
    this.stopHeartbeat();
    this.heartbeat = setInterval(() => {
      // No answer in time means a dead link the OS has not noticed yet: drop it and retry.
      this.command("ping").catch(() => this.socket?.io.engine?.close());
    }, this.opts.heartbeatInterval);
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private set(s: LiveStatus): void {
    this.status = s;
    this.onStatus(s);
  }
}
