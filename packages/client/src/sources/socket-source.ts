import { io, type Socket } from "socket.io-client";
import { isCode, isTerminal, type Code, type ErrorData } from "../../../../lib/contract/codes";
import type { ChannelName, ClientToServerEvents, Message, ServerToClientEvents, SocketAuth } from "../../../../lib/contract/protocol";
import { SAME_ORIGIN, type Endpoint } from "../endpoint";
import type { Source, SourceEvents } from "./source";

type Refusal = Error & { data?: { code?: unknown } };

/**
 * Socket.IO over WebSocket only (where WebSocket is blocked this fails fast instead of
 * long-polling). Every (re)connect sends the page's last envelope id, so the server replays
 * exactly what was missed — whichever instance answers.
 */
export class SocketSource<C extends ChannelName> implements Source {
  readonly name = "websocket" as const;
  private socket: Socket<ServerToClientEvents<C>, ClientToServerEvents[C]> | null = null;
  private lastId: string | null = null;
  private ending: { code: Code; error: string } | null = null;

  constructor(
    private namespace: string,
    private connectTimeout: number,
    private on: SourceEvents<C>,
    private ep: Endpoint = SAME_ORIGIN,
  ) {}

  get live() {
    return !!this.socket?.connected;
  }

  start(lastId: string | null): void {
    this.lastId = lastId;
    this.ending = null;
    if (!this.socket) {
      const s: Socket<ServerToClientEvents<C>, ClientToServerEvents[C]> = io(`${this.ep.url}${this.namespace}`, {
        autoConnect: false,
        reconnection: false,
        transports: ["websocket"],
        timeout: this.connectTimeout,
        // Read on every connect attempt: always the newest cursor.
        auth: (cb: (auth: Omit<SocketAuth, "sections"> & { sections?: string[] }) => void) =>
          cb({
            ...(this.lastId ? { lastId: this.lastId } : {}),
            ...(this.ep.token ? { token: this.ep.token } : {}),
            ...(this.ep.sections?.length ? { sections: [...this.ep.sections] } : {}),
            ...(this.ep.risk !== undefined ? { risk: this.ep.risk } : {}),
          }),
        // Outside a browser (Node), a session cookie goes in the handshake's headers.
        ...(this.ep.headers.cookie ? { extraHeaders: { cookie: this.ep.headers.cookie } } : {}),
      });
      s.on("connect", () => this.on.open());
      s.on("disconnect", (reason) => {
        const end = this.ending;
        if (end) this.on.fail(end.error, end.code);
        else this.on.fail(`connection lost (${reason})`);
      });
      s.on("connect_error", (err: Refusal) => {
        const code = err.data?.code;
        this.on.fail(err.message, isCode(code) && isTerminal(code) ? code : undefined);
      });
      s.onAny((_event: string, env: Message<C>) => {
        if (env.type === "error") {
          const d = env.data as ErrorData;
          if (isTerminal(d.code)) this.ending = { code: d.code, error: d.error };
        }
        this.on.message(env);
      });
      this.socket = s;
    }
    this.socket.connect();
  }

  /** Keeps the cursor current between connects (the manager tells us each id it accepts). */
  advance(lastId: string) {
    this.lastId = lastId;
  }

  stop(): void {
    this.socket?.disconnect();
  }

  destroy(): void {
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
  }

  async command(name: "refresh" | "ping", timeoutMs = 5000): Promise<Message<C>> {
    if (!this.socket?.connected) throw new Error("not connected");
    const s = this.socket as unknown as Socket;
    return s.timeout(timeoutMs).emitWithAck(name) as Promise<Message<C>>;
  }

  /** Drops a connection that stopped answering (the heartbeat's verdict). */
  drop(): void {
    this.socket?.io.engine?.close();
  }
}
