// A minimal Socket.IO client over one raw WebSocket (the `ws` package), for the benchmark: a
// socket.io-client per connection costs the load generator more than the server, and the load
// generator must never be the bottleneck. Speaks just enough of the engine.io v4 / socket.io
// v5 protocol: open, namespace connect, ping/pong, events and acknowledgements.
import WebSocket from "ws";

export class LightClient {
  bytes = 0;
  /** Each event with its arrival time (performance.now) and wall clock (Date.now, comparable with server timestamps). */
  onEvent: (type: string, env: { id: string; timestamp: string; data: unknown }, at: number, wall: number) => void = () => {};
  private acks = new Map<number, (args: unknown[]) => void>();
  private nextAck = 1;

  private constructor(
    private ws: WebSocket,
    private nsp: string,
  ) {}

  /** `deflate`: offer permessage-deflate (as a browser does). */
  static connect(base: string, nsp: string, token: string, timeoutMs = 20_000, deflate = false): Promise<LightClient> {
    const ws = new WebSocket(`${base.replace(/^http/, "ws")}/socket.io/?EIO=4&transport=websocket`, {
      headers: { authorization: `Bearer ${token}` },
      perMessageDeflate: deflate,
    });
    const c = new LightClient(ws, nsp);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => (ws.terminate(), reject(new Error("connect timeout"))), timeoutMs);
      ws.on("error", (e) => (clearTimeout(timer), reject(e)));
      ws.on("message", (raw: Buffer) => {
        c.bytes += raw.length;
        const s = raw.toString();
        if (s === "2") return ws.send("3"); // engine.io ping → pong
        if (s[0] === "0") return ws.send(`40${nsp},`); // engine.io open → join the namespace
        const head = `${nsp},`;
        if (s.startsWith(`40${head}`)) return (clearTimeout(timer), resolve(c));
        if (s.startsWith(`44${head}`)) return (clearTimeout(timer), reject(new Error(s.slice(head.length + 2))));
        if (s.startsWith(`42${head}`)) {
          const [type, env] = JSON.parse(s.slice(head.length + 2)) as [string, { id: string; timestamp: string; data: unknown }];
          c.onEvent(type, env, performance.now(), Date.now());
        } else if (s.startsWith(`43${head}`)) {
          const rest = s.slice(head.length + 2);
          const id = Number(/^\d+/.exec(rest)?.[0]);
          c.acks.get(id)?.(JSON.parse(rest.slice(String(id).length)));
          c.acks.delete(id);
        }
      });
    });
  }

  /** Round trip of the `ping` command, in ms. */
  ping(timeoutMs = 10_000): Promise<number> {
    const id = this.nextAck++;
    const t0 = performance.now();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => (this.acks.delete(id), reject(new Error("ping timeout"))), timeoutMs);
      this.acks.set(id, () => (clearTimeout(timer), resolve(performance.now() - t0)));
      this.ws.send(`42${this.nsp},${id}["ping"]`);
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
