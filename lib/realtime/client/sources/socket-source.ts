import { io, type Socket } from "socket.io-client";
import type { Envelope } from "../../envelope";
import type { Source, SourceEvents } from "./source";

type Refusal = Error & { data?: { code?: number } };

/** Socket.IO over WebSocket only: where WebSocket is blocked this fails fast instead of long-polling. */
export class SocketSource implements Source {
  readonly name = "websocket" as const;
  private socket: Socket | null = null;
  private connectedBefore = false;

  constructor(private namespace: string, private connectTimeout: number, private on: SourceEvents) {}

  get live() {
    return !!this.socket?.connected;
  }

  start(): void {
    if (!this.socket) {
      const s = io(this.namespace, { autoConnect: false, reconnection: false, transports: ["websocket"], timeout: this.connectTimeout });
      s.on("connect", () => {
        if (this.connectedBefore && !s.recovered) this.on.resync();
        this.connectedBefore = true;
        this.on.open();
      });
      s.on("disconnect", (reason) => this.on.fail(`connection lost (${reason})`));
      s.on("connect_error", (err: Refusal) => {
        const code = err.data?.code;
        this.on.fail(code === 401 ? "Your session has ended: sign in again." : err.message, code === 401 || code === 403);
      });
      s.onAny((_event: string, env: Envelope) => this.on.message(env));
      this.socket = s;
    }
    this.socket.connect(); // the same Socket object each time: Socket.IO can recover the session
  }

  stop(): void {
    this.socket?.disconnect();
  }

  destroy(): void {
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
  }

  async command(name: "refresh" | "ping", timeoutMs = 5000): Promise<Envelope> {
    if (!this.socket?.connected) throw new Error("not connected");
    return this.socket.timeout(timeoutMs).emitWithAck(name);
  }

  /** Drops a connection that stopped answering (the heartbeat's verdict). */
  drop(): void {
    this.socket?.io.engine?.close();
  }
}
