// A TCP proxy the test owns, between clients and the server or between the server and its
// database/Redis: outages are simulated here, never by stopping the machine's services.
//   cut()      destroys every open connection (a network drop; new ones are accepted)
//   down()     cuts and refuses new connections until up() (the far end is unreachable)
//   hang()     keeps connections open but stops forwarding bytes, both ways (a stalled peer); what
//              was sent meanwhile is delivered after resume(), as after a real stall
import net from "node:net";

export interface TcpProxy {
  port: number;
  url(base: string): string;
  cut(): number;
  down(): void;
  up(): void;
  hang(): void;
  resume(): void;
  readonly connections: number;
  close(): Promise<void>;
}

export async function startProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  let refusing = false;
  let hanging = false;
  const server = net.createServer((client) => {
    if (refusing) return client.destroy();
    const upstream = net.connect(target.port, target.host);
    const pair = { client, upstream };
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    const forward = (from: net.Socket, to: net.Socket) =>
      from.on("data", (chunk) => {
        if (!to.write(chunk)) from.pause();
      });
    if (hanging) {
      client.pause();
      upstream.pause();
    }
    forward(client, upstream);
    forward(upstream, client);
    client.on("drain", () => hanging || upstream.resume());
    upstream.on("drain", () => hanging || client.resume());
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  const cut = () => {
    const n = pairs.size;
    for (const p of [...pairs]) {
      p.client.destroy();
      p.upstream.destroy();
    }
    pairs.clear();
    return n;
  };
  return {
    port,
    url: (base) => {
      const u = new URL(base);
      u.host = `127.0.0.1:${port}`;
      return u.toString().replace(/\/$/, base.endsWith("/") ? "/" : "");
    },
    cut,
    down() {
      refusing = true;
      cut();
    },
    up() {
      refusing = false;
    },
    hang() {
      hanging = true;
      for (const p of pairs) {
        p.client.pause();
        p.upstream.pause();
      }
    },
    resume() {
      hanging = false;
      for (const p of pairs) {
        p.client.resume();
        p.upstream.resume();
      }
    },
    get connections() {
      return pairs.size;
    },
    async close() {
      cut();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
