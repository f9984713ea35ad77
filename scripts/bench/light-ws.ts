// A minimal plain-WebSocket client for the benchmark's bare `ws` baseline and RiskPulse's plain
// WebSocket endpoint: each frame is one envelope ({type, id, timestamp, data}), reported with its
// arrival time like LightClient's.
import WebSocket from "ws";

export class LightWs {
  bytes = 0;
  onEvent: (type: string, env: { id: string; timestamp: string; data: unknown }, at: number, wall: number) => void = () => {};

  private constructor(private ws: WebSocket) {}

  /** `deflate`: offer permessage-deflate (as a browser does). */
  static connect(url: string, timeoutMs = 20_000, deflate = false): Promise<LightWs> {
    const ws = new WebSocket(url, { perMessageDeflate: deflate });
    const c = new LightWs(ws);
    ws.on("message", (raw: Buffer) => {
      c.bytes += raw.length;
      const env = JSON.parse(raw.toString()) as { type: string; id: string; timestamp: string; data: unknown };
      c.onEvent(env.type, env, performance.now(), Date.now());
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => (ws.terminate(), reject(new Error("connect timeout"))), timeoutMs);
      ws.once("open", () => (clearTimeout(timer), resolve(c)));
      ws.once("error", (e) => (clearTimeout(timer), reject(e)));
    });
  }

  /** Bytes read from the TCP socket (compressed where deflate was negotiated; `bytes` counts the messages' text). */
  wire(): number {
    return (this.ws as unknown as { _socket?: { bytesRead: number } })._socket?.bytesRead ?? 0;
  }

  close(): void {
    this.ws.terminate();
  }
}
