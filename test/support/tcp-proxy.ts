// A TCP proxy the test owns, between clients and the server or between the server and its
// database/Redis: outages are simulated here, never by stopping the machine's services.
//   cut()      destroys every open connection (a network drop; new ones are accepted)
//   down()     cuts and refuses new connections until up() (the far end is unreachable)
//   hang()     keeps connections open but stops forwarding bytes, both ways (a stalled peer); what
//              was sent meanwhile is delivered after resume(), as after a real stall
// With several targets it fails over like a load balancer: each new connection goes to the first
// target that accepts it, so when one instance dies, reconnecting clients reach the next.
import net from "node:net";

export interface TcpProxy {
  port: number;
  cut(): number;
  down(): void;
  up(): void;
  hang(): void;
  resume(): void;
  readonly connections: number;
  close(): Promise<void>;
}

type Target = { host: string; port: number };

export async function startProxy(target: Target | Target[]): Promise<TcpProxy> {
  const targets = Array.isArray(target) ? target : [target];
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  let refusing = false;
  let hanging = false;

  function join(client: net.Socket, upstream: net.Socket) {
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
    forward(client, upstream);
    forward(upstream, client);
    client.on("drain", () => hanging || upstream.resume());
    upstream.on("drain", () => hanging || client.resume());
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    if (hanging) upstream.pause();
    else client.resume();
  }

  const server = net.createServer((client) => {
    if (refusing) return client.destroy();
    client.pause(); // hold what the client sends until an upstream is connected
    client.on("error", () => client.destroy());
    const dial = (i: number) => {
      const t = targets[i];
      if (!t || client.destroyed) return client.destroy();
      const upstream = net.connect(t.port, t.host);
      const failed = () => dial(i + 1);
      upstream.once("error", failed);
      upstream.once("connect", () => {
        upstream.off("error", failed);
        join(client, upstream);
      });
    };
    dial(0);
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
